/**
 * The loop that polls one DLMS meter: connect, associate, read registers and the load profile since the cursor,
 * submit each message and wait for it to be stored, release, sleep until the next tick. One loop and one connection
 * per meter, so a meter that times out or answers nonsense only ever delays itself. Failures back off exponentially
 * (with ±20 % jitter) up to a cap; the first success resets it. The loop never throws.
 *
 * The cursor (newest load profile instant stored) lives here, per meter. At start it comes from `lastStored` when the
 * composition root provides one (the newest stored reading), else it is `backfillHours` back; rows read twice are
 * stored once by the reading key, so a restart costs a re-read, never a duplicate.
 *
 * Commands (valve, clock sync) take the same lock as the poll, so they never interleave with it on the meter.
 */
import type { Envelope, IngestMessage, RejectReason } from '../../headend/index.ts';
import { contextLogger } from '../../platform/logger.ts';
import { DlmsClient } from './client.ts';
import { encodeDateTime } from './date-time.ts';
import type { PolledDevice } from './device.ts';
import { DLMS_ERROR_REASONS, DlmsError } from './errors.ts';
import { CLASS } from './obis-channels.ts';
import { pollProfileChunk, pollRegisters, type MeterKnowledge, type PollPlan } from './poll-cycle.ts';
import { TcpWrapperTransport } from './transport.ts';

const log = contextLogger('dlms');

export interface PipelineSink {
  submit(message: IngestMessage): Promise<void>;
}

export interface PollerOptions {
  pollMs: number;
  timeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  backfillMs: number;
  profileChunkMs: number;
  decodeReason: RejectReason;
  lastStored?: (serial: string) => Promise<number | null>;
}

export type DlmsCommand = { kind: 'valve_close' } | { kind: 'valve_open' } | { kind: 'clock_sync' };

export interface MeterStats {
  serial: string;
  ok: number;
  failures: number;
  lastError: string | null;
  lastPollAt: number | null;
  profileCursor: number | null;
  connects: number;
  clockDriftMs: number | null;
}

export class MeterPoller {
  private stopping = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();
  private lock: Promise<unknown> = Promise.resolve();
  private cursor: number | null = null;
  private failingSince: number | null = null;
  private transport: TcpWrapperTransport | undefined;
  private readonly counters: Omit<MeterStats, 'profileCursor'>;
  private readonly plan: PollPlan;

  constructor(
    readonly device: PolledDevice,
    readonly knowledge: MeterKnowledge,
    private readonly sink: PipelineSink,
    private readonly opts: PollerOptions,
  ) {
    this.counters = { serial: device.serial, ok: 0, failures: 0, lastError: null, lastPollAt: null, connects: 0, clockDriftMs: null };
    this.plan = { device, knowledge, profileChunkMs: opts.profileChunkMs, topic: `dlms://${device.host}:${device.port}/${device.serverSap}`, decodeReason: opts.decodeReason };
  }

  start(): void {
    this.running = this.loop().catch((err) => log.error({ serial: this.device.serial, err: String(err) }, 'dlms poll loop crashed'));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.transport?.close(); // a request in flight is cut short, not waited out
    await this.running;
  }

  stats(): MeterStats {
    return { ...this.counters, profileCursor: this.cursor };
  }

  /** Runs a command on the meter between polls; resolves when the meter confirmed it. */
  command(cmd: DlmsCommand): Promise<void> {
    return this.exclusive(() =>
      this.session(async (client) => {
        const model = this.device.objectModel;
        if (cmd.kind === 'clock_sync') await client.set({ classId: CLASS.clock, obis: model.clock, attribute: 2 }, { type: 'octet-string', value: encodeDateTime(Date.now(), this.device.deviationMinutes) });
        else await client.action({ classId: CLASS.disconnectControl, obis: model.disconnectControl, method: cmd.kind === 'valve_close' ? 1 : 2 }, { type: 'int8', value: 0 });
        log.info({ serial: this.device.serial, command: cmd.kind }, 'dlms command done');
        if (cmd.kind !== 'clock_sync') await this.sink.submit(this.event(cmd.kind === 'valve_close' ? 'valve_closed' : 'valve_open', {}));
      }),
    );
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  /** Connects, associates, runs `work`, releases; the link is closed on any failure and never reused. */
  private async session<T>(work: (client: DlmsClient) => Promise<T>): Promise<T> {
    const d = this.device;
    this.transport = await TcpWrapperTransport.connect({ host: d.host, port: d.port, clientSap: d.clientSap, serverSap: d.serverSap }, this.opts.timeoutMs);
    this.counters.connects++;
    const client = new DlmsClient(this.transport, { password: d.password, maxReceivePdu: d.maxReceivePdu, timeoutMs: this.opts.timeoutMs });
    try {
      await client.associate();
      const result = await work(client);
      await client.release().catch(() => undefined); // the readings are stored: a lost RLRE changes nothing
      return result;
    } finally {
      this.transport.close();
    }
  }

  private event(code: string, detail: Record<string, unknown>): IngestMessage {
    const now = Date.now();
    const correlationId = `${this.device.serial}:${code}:${now}`;
    const e: Envelope = { id: correlationId, ts: now, type: 'event', meterSerial: this.device.serial, channel: code, value: 0, unit: '', quality: 'good', source: 'dlms', receivedAt: now, correlationId, detail };
    return { source: 'dlms', topic: this.plan.topic, raw: null, envelopes: [e] };
  }

  private async loop(): Promise<void> {
    let next = Date.now() + Math.random() * Math.min(this.opts.pollMs, 5000);
    let failuresInRow = 0;
    while (!this.stopping) {
      await this.sleepUntil(next);
      if (this.stopping) break;
      try {
        await this.exclusive(() => this.poll());
        failuresInRow = 0;
        this.recovered();
        next += this.opts.pollMs;
        if (next < Date.now()) next = Date.now();
      } catch (err) {
        if (this.stopping) break;
        failuresInRow++;
        await this.failed(err);
        const delay = Math.min(this.opts.backoff.maxMs, this.opts.backoff.initialMs * 2 ** Math.min(failuresInRow - 1, 30));
        next = Date.now() + delay * (0.8 + 0.4 * Math.random());
      }
    }
  }

  private async poll(): Promise<void> {
    if (this.cursor === null) {
      const stored = this.opts.lastStored ? await this.opts.lastStored(this.device.serial) : null;
      this.cursor = stored ?? Math.floor((Date.now() - this.opts.backfillMs) / 1000) * 1000;
    }
    await this.session(async (client) => {
      const polledAt = Date.now();
      const step = await pollRegisters(client, this.plan, polledAt);
      this.counters.lastPollAt = Date.now();
      if (step.clockDriftMs !== undefined) this.counters.clockDriftMs = step.clockDriftMs;
      // Acknowledgement: the next read waits until this message is committed.
      await this.sink.submit(step.message);
      const drift = step.clockDriftMs ?? 0;
      if (this.device.clockSyncSeconds > 0 && Math.abs(drift) > this.device.clockSyncSeconds * 1000) {
        await client.set({ classId: CLASS.clock, obis: this.device.objectModel.clock, attribute: 2 }, { type: 'octet-string', value: encodeDateTime(Date.now(), this.device.deviationMinutes) });
        log.info({ serial: this.device.serial, driftMs: drift }, 'dlms meter clock set');
        await this.sink.submit(this.event('clock_adjusted', { driftMs: drift }));
      }
      if (!this.device.objectModel.loadProfile) return;
      for (let chunk = 0; chunk < 1000 && !this.stopping; chunk++) {
        const lp = await pollProfileChunk(client, this.plan, this.cursor!, Date.now());
        await this.sink.submit(lp.message);
        if (lp.profileUntil !== undefined && lp.profileUntil > this.cursor!) this.cursor = lp.profileUntil;
        if (lp.done) break;
      }
    });
  }

  private async failed(err: unknown): Promise<void> {
    const reason = err instanceof DlmsError ? err.reason : undefined;
    const text = err instanceof Error ? err.message : String(err);
    this.counters.failures++;
    this.counters.lastError = text;
    if (this.failingSince === null) {
      this.failingSince = Date.now();
      log.warn({ serial: this.device.serial, device: this.plan.topic, reason, err: text }, 'dlms poll failed; retrying with backoff');
      // Bytes that do not decode are kept once per failing streak, with what the meter sent: an operator sees them.
      if (reason && DLMS_ERROR_REASONS[reason] === 'decode') {
        const message: IngestMessage = { source: 'dlms', topic: this.plan.topic, raw: null, envelopes: [], rejection: { reason: this.opts.decodeReason, detail: `${this.device.serial}: ${text}`.slice(0, 1000) } };
        await this.sink.submit(message).catch(() => undefined);
      }
    } else log.debug({ serial: this.device.serial, reason, err: text }, 'dlms poll failed again');
  }

  private recovered(): void {
    this.counters.ok++;
    if (this.failingSince !== null) {
      log.info({ serial: this.device.serial, downMs: Date.now() - this.failingSince }, 'dlms meter answering again');
      this.failingSince = null;
    }
  }

  private sleepUntil(at: number): Promise<void> {
    const ms = at - Date.now();
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.wake = done;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }
}
