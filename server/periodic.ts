/**
 * A job a worker runs again and again: one pass at a time (the next starts `intervalMs` after the last ended, so a
 * slow pass never overlaps itself), a failed pass logged and retried, and a stop that waits for the pass in flight.
 */
import { contextLogger } from '../platform/logger.ts';

export function startPeriodic(name: string, intervalMs: number, pass: () => Promise<void>): { stop(): Promise<void> } {
  const log = contextLogger(name);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let working: Promise<void> = Promise.resolve();
  const loop = () => {
    working = pass()
      .catch((err) => log.warn({ err: err.message }, `${name} pass failed; retrying`))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  loop();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await working;
    },
  };
}
