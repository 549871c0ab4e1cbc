// Budget and spike alerts for one process: every interval, record the alerts now due (once across all
// processes, by key) and post the ones due for delivery. Background work: it never throws into the app; a
// database or webhook outage is logged and retried on the next tick.
import type { Logger } from 'pino';
import type { PrismaClient } from '../../db/generated/client';
import { AlertDeliverer, type AlertDelivererOptions, type DeliveryOutcome } from './alert-deliverer';
import { AlertEvaluator } from './alert-evaluator';

export interface BudgetAlerterOptions {
  prisma: PrismaClient;
  /** SPENDTRACE_ALERT_WEBHOOK_URL. Undefined: the alerter records nothing and posts nothing. */
  webhookUrl: string | undefined;
  /** SPENDTRACE_SPIKE_FACTOR. Default 5; 0 turns spike alerts off. */
  spikeFactor?: number;
  /** Between the end of one tick and the start of the next. Default 15 000 ms. */
  intervalMs?: number;
  /** The time a tick evaluates and delivers at. Default the system clock. */
  clock?: () => Date;
  logger: Pick<Logger, 'warn' | 'info' | 'debug'>;
  /** Timeout, backoff, retry window and batch size of deliveries; see AlertDelivererOptions for defaults. */
  delivery?: Omit<AlertDelivererOptions, 'prisma' | 'webhookUrl'>;
}

const COMPONENT = { component: 'budget-alerts' };

export class BudgetAlerter {
  private readonly evaluator: AlertEvaluator | undefined;
  private readonly deliverer: AlertDeliverer | undefined;
  private readonly intervalMs: number;
  private readonly clock: () => Date;
  private readonly logger: BudgetAlerterOptions['logger'];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Whether the last database step failed, so an outage is one warning and its end one info line. */
  private databaseFailing = false;

  constructor(options: BudgetAlerterOptions) {
    this.intervalMs = options.intervalMs ?? 15_000;
    this.clock = options.clock ?? (() => new Date());
    this.logger = options.logger;
    if (options.webhookUrl !== undefined) {
      this.evaluator = new AlertEvaluator({ prisma: options.prisma, spikeFactor: options.spikeFactor });
      this.deliverer = new AlertDeliverer({
        ...options.delivery,
        prisma: options.prisma,
        webhookUrl: options.webhookUrl,
      });
    }
  }

  /**
   * Ticks every interval until {@link stop}; the timer never keeps the process alive. Does nothing without a
   * webhook URL, after stop, or when already started.
   */
  start(): void {
    if (this.deliverer === undefined || this.stopped || this.timer !== undefined) return;
    this.schedule();
  }

  /**
   * One pass: records the alerts due at `now` (default the clock's time), then posts those due for delivery.
   * Waits for a pass in progress first, so passes of one alerter never overlap. Never rejects.
   */
  tick(now?: Date): Promise<void> {
    const run = (this.running ?? Promise.resolve()).then(() => this.pass(now ?? this.clock()));
    this.running = run;
    void run.then(() => {
      if (this.running === run) this.running = undefined;
    });
    return run;
  }

  /** Stops the timer and waits for a pass in progress. Safe to call twice. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.tick().then(() => {
        if (!this.stopped) this.schedule();
      });
    }, this.intervalMs).unref();
  }

  private async pass(now: Date): Promise<void> {
    if (this.evaluator === undefined || this.deliverer === undefined) return;
    try {
      const recorded = await this.evaluator.evaluate(now);
      if (recorded > 0) this.logger.debug({ ...COMPONENT, recorded }, 'budget alerts: recorded new alerts');
      const outcomes = await this.deliverer.deliverDue(now);
      this.databaseReachable();
      for (const outcome of outcomes) this.report(outcome);
    } catch (error) {
      this.databaseFailed(error);
    }
  }

  private databaseReachable(): void {
    if (!this.databaseFailing) return;
    this.databaseFailing = false;
    this.logger.info(COMPONENT, 'budget alerts: the database answers again; alerts are evaluated and delivered');
  }

  private databaseFailed(error: unknown): void {
    const level = this.databaseFailing ? 'debug' : 'warn';
    this.databaseFailing = true;
    this.logger[level](
      { ...COMPONENT, err: error },
      `budget alerts: could not evaluate or deliver alerts (the database failed); retrying every ${this.intervalMs} ms`,
    );
  }

  private report(outcome: DeliveryOutcome): void {
    const fields = { ...COMPONENT, alert: outcome.key, attempts: outcome.attempts };
    if (outcome.status === 'delivered') {
      this.logger.info(fields, 'budget alerts: alert posted to the webhook');
    } else if (outcome.status === 'failed') {
      this.logger.warn(
        { ...fields, error: outcome.error },
        'budget alerts: gave up posting an alert to the webhook after its retry window; it shows as failed on the budgets page',
      );
    } else {
      // One warning per alert; its retries are on the budgets page (attempts, last error).
      this.logger[outcome.attempts === 1 ? 'warn' : 'debug'](
        { ...fields, error: outcome.error },
        'budget alerts: the webhook did not take an alert; retrying with backoff (check SPENDTRACE_ALERT_WEBHOOK_URL)',
      );
    }
  }
}
