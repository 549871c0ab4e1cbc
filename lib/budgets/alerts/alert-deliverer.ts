// Posts recorded alerts to the webhook. A process first claims due alerts with one atomic UPDATE (FOR UPDATE
// SKIP LOCKED, then a lease), so two processes never post the same alert at once; a failed post is retried
// with exponential backoff until the retry window closes, and each outcome is written back to the row.
import type { PrismaClient } from '../../db/generated/client';
import type { AlertPayload } from './alert-payload';

export interface AlertDelivererOptions {
  prisma: PrismaClient;
  /** Where alerts are posted. May hold a secret (Slack's URLs do): it is never logged nor stored. */
  webhookUrl: string;
  /** How long one post may take. Default 10 000 ms. */
  timeoutMs?: number;
  /** The first retry's delay, doubled on each further failure. Default 5 000 ms. */
  backoffMs?: number;
  /** The longest delay between retries. Default 300 000 ms (5 min). */
  maxBackoffMs?: number;
  /** A failure this long after the alert was recorded gives it up (status failed). Default 24 h. */
  retryWindowMs?: number;
  /** Alerts claimed per pass. Default 20. */
  batchSize?: number;
}

/** What became of one claimed alert. */
export interface DeliveryOutcome {
  key: string;
  status: 'delivered' | 'pending' | 'failed';
  /** Set when the post failed: the status code or a short reason. */
  error?: string;
  attempts: number;
}

interface ClaimedRow {
  id: string;
  key: string;
  payload: AlertPayload;
  attempts: number;
  created_at: Date;
  next_attempt_at: Date;
}

// The CTE is evaluated once (a data-modifying or locking CTE is never inlined), so the LIMIT holds. Rows another
// process holds locked are skipped; one it claimed and committed is rechecked against the lease and skipped too.
const CLAIM_SQL = `
  WITH due AS (
    SELECT id FROM alert_delivery
    WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz
      AND (lease_until IS NULL OR lease_until < $1::timestamptz)
    ORDER BY next_attempt_at, created_at
    LIMIT $3::int
    FOR UPDATE SKIP LOCKED
  )
  UPDATE alert_delivery a SET lease_until = $2::timestamptz, attempts = a.attempts + 1
  FROM due WHERE a.id = due.id
  RETURNING a.id, a.key, a.payload, a.attempts, a.created_at, a.next_attempt_at`;

const MAX_ERROR_LENGTH = 200;

export class AlertDeliverer {
  private readonly prisma: PrismaClient;
  private readonly webhookUrl: string;
  private readonly timeoutMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly retryWindowMs: number;
  private readonly batchSize: number;

  constructor(options: AlertDelivererOptions) {
    this.prisma = options.prisma;
    this.webhookUrl = options.webhookUrl;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.backoffMs = options.backoffMs ?? 5_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 300_000;
    this.retryWindowMs = options.retryWindowMs ?? 86_400_000;
    this.batchSize = options.batchSize ?? 20;
  }

  /**
   * Claims the alerts due at `now` and posts them one by one, oldest first, writing back each outcome.
   * Throws only when the database does (the caller retries on its next pass; a lease lapses by itself).
   */
  async deliverDue(now: Date): Promise<DeliveryOutcome[]> {
    // The lease covers posting the whole batch, each post at most timeoutMs, with a margin.
    const leaseUntil = new Date(now.getTime() + this.batchSize * this.timeoutMs + 60_000);
    const claimed = await this.prisma.$queryRawUnsafe<ClaimedRow[]>(CLAIM_SQL, now, leaseUntil, this.batchSize);
    // RETURNING keeps no order: post in the order the alerts became due, a budget's thresholds lowest first.
    claimed.sort(deliveryOrder);
    const outcomes: DeliveryOutcome[] = [];
    for (const row of claimed) {
      const error = await this.post(row.payload);
      outcomes.push(await this.settle(row, error, now));
    }
    return outcomes;
  }

  /** The delay before retry number `attempts` (1 after the first failure): 5 s, 10 s, 20 s … capped. */
  backoffAfter(attempts: number): number {
    return Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.min(attempts - 1, 30));
  }

  /** Undefined when the webhook answered 2xx; else the status code or a short reason. Never throws. */
  private async post(payload: AlertPayload): Promise<string | undefined> {
    try {
      const response = await fetch(this.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // The body is not read (it could be large, or quote the payload back); cancelling frees the connection.
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return undefined;
      return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`.slice(
        0,
        MAX_ERROR_LENGTH,
      );
    } catch (error) {
      return failureReason(error, this.timeoutMs);
    }
  }

  /** Writes the outcome, unless another process has claimed the alert since (its attempts moved on). */
  private async settle(row: ClaimedRow, error: string | undefined, now: Date): Promise<DeliveryOutcome> {
    const mine = { id: row.id, attempts: row.attempts };
    if (error === undefined) {
      await this.prisma.alertDelivery.updateMany({
        where: mine,
        data: { status: 'delivered', deliveredAt: now, leaseUntil: null },
      });
      return { key: row.key, status: 'delivered', attempts: row.attempts };
    }
    if (now.getTime() - row.created_at.getTime() >= this.retryWindowMs) {
      await this.prisma.alertDelivery.updateMany({
        where: mine,
        data: { status: 'failed', lastError: error, leaseUntil: null },
      });
      return { key: row.key, status: 'failed', error, attempts: row.attempts };
    }
    await this.prisma.alertDelivery.updateMany({
      where: mine,
      data: {
        lastError: error,
        leaseUntil: null,
        nextAttemptAt: new Date(now.getTime() + this.backoffAfter(row.attempts)),
      },
    });
    return { key: row.key, status: 'pending', error, attempts: row.attempts };
  }
}

function deliveryOrder(a: ClaimedRow, b: ClaimedRow): number {
  return (
    a.next_attempt_at.getTime() - b.next_attempt_at.getTime() ||
    a.created_at.getTime() - b.created_at.getTime() ||
    thresholdOf(a.payload) - thresholdOf(b.payload) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

function thresholdOf(payload: AlertPayload): number {
  return payload.kind === 'threshold' ? payload.threshold : 0;
}

/** Why a post got no answer, in a few words: never the URL, which may hold a secret. */
function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  // The code or the error's class, not its message: a message can quote the URL.
  const reason = errorCode(error) ?? (error instanceof Error ? error.name : typeof error);
  return `could not reach the webhook (${reason})`.slice(0, MAX_ERROR_LENGTH);
}

/** The system error code behind fetch's "fetch failed" (ECONNREFUSED, ENOTFOUND, ECONNRESET …). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return undefined;
}
