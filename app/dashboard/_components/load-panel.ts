// Loads a panel's data on the server. A failure is logged and becomes a message the panel shows in place
// of its data (React would hide the message in production), so the other panels render as usual.
import { getLogger } from '@/lib/logger';

export type Loaded<T> = { ok: true; data: T } | { ok: false; message: string };

/** Longest error message shown on the page; the log has the whole error. */
const MAX_MESSAGE = 300;

export async function loadPanel<T>(panel: string, load: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await load() };
  } catch (error) {
    getLogger().error({ err: error, panel }, 'dashboard panel failed to load');
    const text =
      (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim() || 'unknown error';
    return { ok: false, message: text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text };
  }
}
