/**
 * A private Mosquitto for tests that restart the broker: its own port, config and persistence directory, so the
 * machine's broker is never touched. Persistence is on, as in production: a restart keeps queued QoS 1 messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile, rm, chmod } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { freePort } from '../../platform/net.ts';

export const MOSQUITTO_BIN = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));

export interface PrivateMosquitto {
  port: number;
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateMosquitto(): Promise<PrivateMosquitto> {
  if (!MOSQUITTO_BIN) throw new Error('mosquitto is not installed');
  const dir = await mkdtemp(path.join(tmpdir(), 'abone-mosquitto-'));
  await chmod(dir, 0o777); // mosquitto drops to its own user when started as root
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  await writeFile(
    conf,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'autosave_interval 1', 'max_queued_messages 1000000', 'max_inflight_messages 100', 'log_dest none', ''].join('\n'),
  );
  let child: ChildProcess;
  const launch = async () => {
    child = spawn(MOSQUITTO_BIN!, ['-c', conf], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await canConnect(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('private mosquitto did not start');
  };
  const halt = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM'); // a clean stop writes the persistence file
    await once(child, 'exit');
  };
  await launch();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
