/**
 * CPU seconds of a process and all its descendants (the bill-run command and the workers it forks), sampled from
 * /proc every `everyMs`: a worker that exits counts up to its last sample. Linux only; elsewhere it reads 0.
 */
import { readdirSync } from 'node:fs';
import { procStat } from './proc.ts';

export class TreeCpu {
  private readonly seen = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly root: number) {}

  sample(): void {
    let pids: number[];
    try {
      pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
    } catch {
      return;
    }
    const parent = new Map<number, number>();
    const cpu = new Map<number, number>();
    for (const pid of pids) {
      const st = procStat(pid);
      if (!st) continue;
      parent.set(pid, st.ppid);
      cpu.set(pid, st.cpuSeconds);
    }
    for (const [pid, s] of cpu) {
      let p: number | undefined = pid;
      for (let depth = 0; p !== undefined && p > 1 && depth < 10; depth++, p = parent.get(p)) {
        if (p === this.root) {
          this.seen.set(pid, s);
          break;
        }
      }
    }
  }

  start(everyMs = 200): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  stop(): number {
    clearInterval(this.timer);
    let s = 0;
    for (const v of this.seen.values()) s += v;
    return s;
  }
}
