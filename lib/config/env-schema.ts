// The pieces every Spendtrace process validates its environment with (the app in config.ts, the
// collector sink in collector/config.ts), so the rules and the messages are written once.
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// A blank value (`LOG_LEVEL=` in a .env file, `${X:-}` in compose) means unset, for every variable.
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const optionalEnum = <const T extends readonly [string, ...string[]]>(values: T) =>
  optionalString.pipe(z.enum(values).optional());

export const booleanFlag = optionalEnum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const httpUrl = (message: string) => optionalString.pipe(z.url({ protocol: /^https?$/, message }).optional());

/** An optional whole number given as a string, within [min, max]. */
export const optionalInt = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  optionalString.pipe(
    z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(min).max(max)).optional(),
  );

/** An optional number of at least 0 given as a string, such as `5` or `2.5`. */
export const optionalNumber = (message: string) =>
  optionalString.pipe(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, message)
      .transform(Number)
      .optional(),
  );

/** Where budget and spike alerts are posted (the app and the sink alike). */
export const alertWebhookUrl = httpUrl('must be an http(s) URL, such as a Slack or Discord incoming webhook');

/** How often a process records and posts due alerts, in seconds. */
export const alertIntervalSeconds = optionalInt(1, 3600);

/** The spike alert's factor: 0 turns spike alerts off. */
export const spikeFactor = optionalNumber('must be a number such as 5 (0 turns spike alerts off)');

/** The customers breakdown's attribute keys, comma-separated (ai.attr.<key> without the prefix). */
export const breakdownKeys = optionalString.pipe(
  z
    .string()
    .transform((v) => [
      ...new Set(
        v
          .split(',')
          .map((k) => k.trim())
          .filter((k) => k !== ''),
      ),
    ])
    .pipe(
      z
        .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'each key must be 1 to 64 letters, digits, _ . or -'))
        .max(10, 'at most 10 keys'),
    )
    .optional(),
);

/**
 * How many days of calls (ai_interaction rows) and requests (ai_request rows) to keep; 0 keeps them forever.
 * The daily rollups keep the history either way.
 */
export const retentionDays = optionalString.pipe(
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, such as 90 (0 or unset keeps every call)')
    .transform(Number)
    .pipe(z.number().max(36_500, 'must be at most 36500 days (100 years); 0 or unset keeps every call'))
    .optional(),
);

/** The default breakdown keys. */
export const DEFAULT_BREAKDOWN_KEYS: readonly string[] = ['tenant', 'user_id', 'plan'];

export const databaseUrl = optionalString.pipe(
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
);

export const logLevel = optionalEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Parses `env`, or throws a {@link ConfigError} naming every bad variable and what to do. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  title: string,
): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`${title}:\n${lines.join('\n')}\nFix these variables (see .env.example) and start again.`);
}
