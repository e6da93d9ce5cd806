/**
 * CPU and memory of processes from /proc (Linux only): one process (the head-end child), a set of processes (the
 * PostgreSQL server that holds the bench databases) and the whole machine. CPU is reported as % of one core, so
 * two busy cores read 200 %.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface Stat {
  ppid: number;
  cpuSeconds: number; // utime + stime
}

export function procStat(pid: number): Stat | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuSeconds: (Number(f[11]) + Number(f[12])) / TICKS };
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (peak RSS) in MB. */
export function procMemory(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** Busy and total jiffies of the whole machine (all cores). */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = v[3] + v[4]; // idle + iowait
  return { busy: total - idle, total };
}

/** Machine busy % over an interval, as % of one core (nproc cores = nproc * 100 %). */
export function machineBusyPercent(a: { busy: number; total: number }, b: { busy: number; total: number }, cores: number): number {
  const total = b.total - a.total;
  return total > 0 ? ((b.busy - a.busy) / total) * cores * 100 : 0;
}

/**
 * CPU of one PostgreSQL server's processes that belong to this run: the backends of the bench databases (their
 * process title names the database) and the server-wide helpers (walwriter, checkpointer, background writer,
 * autovacuum). Backends of other databases (other engineers' tests on a shared server) are left out. Processes are
 * sampled every `everyMs`, so a backend that exits during the run still counts up to its last sample.
 */
export class PostgresCpu {
  private first = new Map<number, number>();
  private last = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly postmaster: number,
    private readonly databases: string[],
  ) {}

  addDatabase(name: string): void {
    this.databases.push(name);
  }

  private ours(pid: number): boolean {
    if (pid === this.postmaster) return true;
    const title = cmdline(pid);
    if (this.databases.some((d) => title.includes(d))) return true;
    return /(checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|archiver|wal writer)\s*$/.test(title);
  }

  sample(): void {
    let pids: number[];
    try {
      pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
    } catch {
      return;
    }
    for (const pid of pids) {
      const st = procStat(pid);
      if (!st || (pid !== this.postmaster && st.ppid !== this.postmaster)) continue;
      if (!this.last.has(pid) && !this.ours(pid)) continue;
      // A process seen for the first time after the start was born during the run: all its CPU counts.
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : st.cpuSeconds);
      this.last.set(pid, st.cpuSeconds);
    }
  }

  start(everyMs = 200): void {
    this.first.clear();
    this.last.clear();
    this.started = false;
    this.sample();
    this.started = true;
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** CPU seconds used since `start`. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    let s = 0;
    for (const [pid, v] of this.last) s += v - (this.first.get(pid) ?? 0);
    return s;
  }
}

/** The postmaster of a local PostgreSQL: the parent of one of its backends. */
export function postmasterOf(backendPid: number): number | undefined {
  const st = procStat(backendPid);
  return st && st.ppid > 1 ? st.ppid : undefined;
}
