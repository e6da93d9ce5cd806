/**
 * The bench's side of bench/headend-process.ts: forks the head-end into its own process (so its CPU and memory are
 * measured apart from the publishers) and asks it questions over the IPC channel. bench:alarms uses it; bench:ingest
 * has the same few lines of its own (with its profiling flags).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export function startHeadendChild(databaseUrl: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return fork(path.join(HERE, 'headend-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_HEADEND_DATABASE_URL: databaseUrl, ABONE_LOG_LEVEL: process.env.ABONE_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends `{ type, ...body }` (except for 'ready', which the child sends unasked) and resolves with its answer. */
export function ask<T>(child: ChildProcess, type: string, body: Record<string, unknown> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`head-end process exited (${code})`));
    const onMessage = (msg: { type: string } & Record<string, unknown>) => {
      if (msg.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(msg as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (type !== 'ready') child.send({ type, ...body });
  });
}
