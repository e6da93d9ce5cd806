/**
 * Runs `abone` as a real child process, the way an operator does, and reads its JSON log lines: tests learn its
 * ports from the log and kill it with real signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { once } from 'node:events';
import { appendFileSync } from 'node:fs';

const BIN = path.resolve(import.meta.dirname, '../../bin/abone.js');

export interface AboneProcess {
  child: ChildProcess;
  logs: Array<Record<string, any>>;
  /** Resolves with the first log line that matches. */
  waitForLog(match: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
  stderr(): string;
}

export function startAbone(args: string[], env: Record<string, string>): AboneProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    // The child logs to stdout, where this harness reads it; its lines join the run's log file for the scan.
    env: { ...process.env, ABONE_LOG_LEVEL: 'info', ABONE_LOG_FILE: '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, any>> = [];
  const waiters: Array<{ match: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }> = [];
  let buffer = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      let parsed: Record<string, any>;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = { msg: line };
      }
      logs.push(parsed);
      if (process.env.ABONE_LOG_FILE) appendFileSync(process.env.ABONE_LOG_FILE, line + '\n');
      for (const w of waiters.filter((w) => w.match(parsed))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = once(child, 'exit');
  return {
    child,
    logs,
    waitForLog: (match, timeoutMs = 60_000) => {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`log line not seen in ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)), timeoutMs);
        exited.then(() => reject(new Error(`abone exited (${child.exitCode}); stderr: ${stderr.slice(-2000)}`)));
        waiters.push({ match, resolve: (l) => (clearTimeout(t), resolve(l)) });
      });
    },
    stderr: () => stderr,
    kill: async (signal) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await exited;
      return code as number | null;
    },
  };
}
