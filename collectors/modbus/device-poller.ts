/**
 * The loop that polls one device: connect, read every block of the map, hand one message to the pipeline and wait
 * for it to be stored, sleep until the next tick. Each device runs its own loop on its own connection, so a device
 * that times out, refuses or answers nonsense only ever delays itself.
 *
 * Waiting for `submit` before the next poll is the acknowledgement: a poll is not done until its readings are
 * committed, and when the database is slow the pipeline's back-pressure slows the polling, never a buffer.
 *
 * A failed connect or read closes the connection and the loop retries on its own after a backoff that doubles per
 * failure in a row up to a cap, with some randomness so a thousand meters behind one router that comes back do not
 * all reconnect in the same millisecond. The loop never throws: every failure is counted, logged and retried.
 */
import type { IngestMessage } from '../../headend/index.ts';
import { contextLogger } from '../../platform/logger.ts';
import { ModbusLink, type ModbusEndpoint } from './modbus-link.ts';
import { pollMessage } from './poll-message.ts';
import type { ReadBlock } from './read-plan.ts';

const log = contextLogger('modbus');

/** What the poller needs of the ingest pipeline. The real one is headend's IngestPipeline. */
export interface PipelineSink {
  submit(message: IngestMessage): Promise<void>;
}

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export interface PollTarget {
  serial: string;
  endpoint: ModbusEndpoint;
  topic: string;
  unitId: number;
  pollMs: number;
  timeoutMs: number;
  blocks: readonly ReadBlock[];
}

export interface DeviceStats {
  serial: string;
  ok: number; // polls fully decoded and stored
  failures: number; // polls that failed: connect, read, decode or store
  lastError: string | null;
  lastPollAt: number | null; // epoch ms of the last poll the device answered
  connected: boolean;
  connects: number; // successful connections, the first one included
}

export class DevicePoller {
  private readonly link: ModbusLink;
  private readonly counters: Omit<DeviceStats, 'connected'>;
  private stopping = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();
  private failingSince: number | null = null;

  constructor(
    private readonly target: PollTarget,
    private readonly sink: PipelineSink,
    private readonly backoff: BackoffOptions,
  ) {
    this.link = new ModbusLink(target.endpoint, target.unitId, target.timeoutMs);
    this.counters = { serial: target.serial, ok: 0, failures: 0, lastError: null, lastPollAt: null, connects: 0 };
  }

  start(): void {
    // The catch is a guard for a bug in this file; poll failures are all handled inside the loop.
    this.running = this.loop().catch((err) => log.error({ serial: this.target.serial, err: String(err) }, 'modbus poll loop crashed'));
  }

  /** Ends the loop: a request in flight is abandoned, a poll already read is still stored. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.link.close(); // cuts a request in flight short instead of waiting out its timeout
    await this.running;
    this.link.close();
  }

  stats(): DeviceStats {
    return { ...this.counters, connected: this.link.isOpen };
  }

  private async loop(): Promise<void> {
    // The first polls of a fleet are spread over (at most) a few seconds instead of all landing at once.
    let next = Date.now() + Math.random() * Math.min(this.target.pollMs, 5000);
    let failuresInRow = 0;
    while (!this.stopping) {
      await this.sleepUntil(next);
      if (this.stopping) break;
      const polledAt = Date.now();
      let words: number[][];
      try {
        words = await this.readAll();
      } catch (err) {
        this.link.close();
        if (this.stopping) break; // the read was cut short by stop(): not the device's failure
        failuresInRow++;
        this.failed(err instanceof Error ? err.message : String(err));
        const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failuresInRow - 1, 30));
        next = Date.now() + delay * (0.8 + 0.4 * Math.random());
        continue;
      }
      failuresInRow = 0;
      this.counters.lastPollAt = Date.now();
      await this.deliver(pollMessage({ serial: this.target.serial, topic: this.target.topic, polledAt, receivedAt: Date.now(), blocks: this.target.blocks, words }));
      // Fixed rate: the next tick is a period after this one's; ticks missed while storing are skipped, not caught up.
      next += this.target.pollMs;
      if (next < Date.now()) next = Date.now();
    }
  }

  private async readAll(): Promise<number[][]> {
    if (!this.link.isOpen) {
      await this.link.connect();
      this.counters.connects++;
    }
    const words: number[][] = [];
    for (const block of this.target.blocks) words.push(await this.link.read(block));
    return words;
  }

  private async deliver(message: IngestMessage): Promise<void> {
    try {
      await this.sink.submit(message);
    } catch (err) {
      // Not the device's fault: the connection stays. The next poll reads the meter's state afresh.
      this.failed(`not stored: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (message.rejection) this.failed(message.rejection.detail);
    else this.recovered();
  }

  private failed(reason: string): void {
    this.counters.failures++;
    this.counters.lastError = reason;
    // One warning when a device starts failing, not one per retry: a dead meter must not flood the log.
    if (this.failingSince === null) {
      this.failingSince = Date.now();
      log.warn({ serial: this.target.serial, device: this.target.topic, err: reason }, 'modbus poll failed; retrying with backoff');
    } else {
      log.debug({ serial: this.target.serial, device: this.target.topic, err: reason }, 'modbus poll failed again');
    }
  }

  private recovered(): void {
    this.counters.ok++;
    if (this.failingSince !== null) {
      log.info({ serial: this.target.serial, device: this.target.topic, downMs: Date.now() - this.failingSince }, 'modbus device answering again');
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
