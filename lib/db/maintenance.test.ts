// Maintenance with tasks of its own: each runs at start and on its interval, never overlapping itself; a
// failure is logged and retried; stop() ends the timers and waits for the runs in flight.
import { afterEach, describe, expect, it } from 'vitest';

import { Maintenance, type MaintenanceTask } from './maintenance';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, for at most 5 s (timers run late on a loaded machine). */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !done(); await sleep(5)) {
    if (Date.now() > deadline) throw new Error('timed out');
  }
}

function recordingLogger() {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', obj, msg }),
  };
}

describe('Maintenance', () => {
  let maintenance: Maintenance | undefined;

  afterEach(async () => {
    await maintenance?.stop();
  });

  it('runs a task at start and then every interval, logging what it reports', async () => {
    const logger = recordingLogger();
    let runs = 0;
    const task: MaintenanceTask = { name: 'count', everyMs: 40, run: () => Promise.resolve({ run: ++runs }) };
    maintenance = new Maintenance([task], logger);
    maintenance.start();
    expect(runs).toBe(1);
    await until(() => runs >= 3 && logger.lines.length >= 3);
    expect(logger.lines.slice(0, 3)).toEqual(
      [1, 2, 3].map((run) => ({ level: 'info', obj: { task: 'count', run }, msg: 'maintenance: count' })),
    );
  });

  it('leaves a task marked atStart: false to its first interval', async () => {
    let runs = 0;
    const task: MaintenanceTask = { name: 'later', everyMs: 40, atStart: false, run: () => Promise.resolve(++runs) };
    maintenance = new Maintenance([task], recordingLogger());
    maintenance.start();
    expect(runs).toBe(0);
    await until(() => runs >= 1);
    expect(runs).toBe(1);
  });

  it('logs a failure and runs the task again at the next interval', async () => {
    const logger = recordingLogger();
    let runs = 0;
    const boom = new Error('database down');
    const task: MaintenanceTask = {
      name: 'flaky',
      everyMs: 30,
      run: () => {
        runs += 1;
        return runs === 1 ? Promise.reject(boom) : Promise.resolve(undefined);
      },
    };
    maintenance = new Maintenance([task], logger);
    maintenance.start();
    await until(() => runs >= 2);
    // A run with nothing to report logs nothing.
    expect(logger.lines).toEqual([
      { level: 'warn', obj: { err: boom, task: 'flaky' }, msg: 'maintenance: flaky failed; retrying later' },
    ]);
  });

  it('never overlaps a task with itself, and stop() waits for the run in flight', async () => {
    let started = 0;
    let finished = 0;
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const task: MaintenanceTask = {
      name: 'slow',
      everyMs: 10,
      run: async () => {
        started += 1;
        await gate;
        finished += 1;
      },
    };
    maintenance = new Maintenance([task], recordingLogger());
    maintenance.start();
    // Five intervals pass while the first run waits.
    await sleep(50);
    expect({ started, finished }).toEqual({ started: 1, finished: 0 });
    const stopped = maintenance.stop();
    release();
    await stopped;
    expect({ started, finished }).toEqual({ started: 1, finished: 1 });
    await sleep(30);
    expect(started).toBe(1);
  });
});
