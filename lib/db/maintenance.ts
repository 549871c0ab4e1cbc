// The database's upkeep in a long-running process (the app server, each collector sink replica): tasks that
// run at start and then on their own interval, such as building the customers breakdown's blocks of days.
// Every task is safe to run in any number of processes at once. A failure is logged and retried at the
// next interval; it never stops the process. Jobs do not run it: they are short, and the servers do.
import { buildAttributeBlocks } from './attribute-blocks';
import type { PrismaClient } from './generated/client';
import { maintainPartitions, PARTITIONS_EVERY_MS } from './partitions';

export interface MaintenanceTask {
  name: string;
  everyMs: number;
  /** False when the process already ran it, awaited, before it started the upkeep; default true. */
  atStart?: boolean;
  run(now: Date): Promise<unknown>;
}

interface MaintenanceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Blocks complete at midnight UTC: an hourly look builds them within the hour, and costs a few reads. */
export const ATTRIBUTE_BLOCKS_EVERY_MS = 60 * 60 * 1000;

export interface DatabaseTaskOptions {
  /** SPENDTRACE_RETENTION_DAYS. Default 0: keep every call. */
  retentionDays?: number;
}

/** The upkeep every process that writes or serves the dashboard runs. */
export function databaseTasks(prisma: PrismaClient, options: DatabaseTaskOptions = {}): MaintenanceTask[] {
  const retentionDays = options.retentionDays ?? 0;
  return [
    {
      // The coming months' partitions of ai_interaction, and retention: hourly, so a month is made well before
      // it starts and an old one dropped within the hour it falls out of the period.
      name: 'partitions',
      everyMs: PARTITIONS_EVERY_MS,
      // getDatabase() and the sink run it at start, awaited (applyPartitions), before the first write.
      atStart: false,
      run: async (now) => {
        const { created, dropped, defaultRows, requests } = await maintainPartitions(prisma, now, retentionDays, {
          info: () => undefined,
          warn: () => undefined,
        });
        return created.length + dropped.length + defaultRows + requests === 0
          ? undefined
          : { created, dropped, defaultRows, requests, retentionDays };
      },
    },
    {
      name: 'attribute blocks',
      everyMs: ATTRIBUTE_BLOCKS_EVERY_MS,
      run: async (now) => {
        const started = Date.now();
        const { blocks } = await buildAttributeBlocks(prisma, now);
        return blocks === 0 ? undefined : { blocks, ms: Date.now() - started };
      },
    },
  ];
}

export class Maintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  /** Each task's run in flight: a task never overlaps itself. */
  private readonly running = new Map<MaintenanceTask, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly tasks: readonly MaintenanceTask[],
    private readonly logger: MaintenanceLogger,
  ) {}

  /**
   * Runs every task now (but those with `atStart: false`), in the background, and then every `everyMs` (skipped
   * while its last run is still going); the timers keep no process alive.
   */
  start(): void {
    for (const task of this.tasks) {
      if (task.atStart !== false) this.launch(task);
      this.timers.push(setInterval(() => this.launch(task), task.everyMs).unref());
    }
  }

  /** Stops the timers and waits for the runs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all([...this.running.values()]);
  }

  private launch(task: MaintenanceTask): void {
    if (this.stopped || this.running.has(task)) return;
    const run = task
      .run(new Date())
      .then(
        (result) => {
          if (result !== undefined) this.logger.info({ task: task.name, ...result }, `maintenance: ${task.name}`);
        },
        (error: unknown) =>
          this.logger.warn({ err: error, task: task.name }, `maintenance: ${task.name} failed; retrying later`),
      )
      .finally(() => this.running.delete(task));
    this.running.set(task, run);
  }
}
