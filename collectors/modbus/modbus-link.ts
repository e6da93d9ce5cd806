/**
 * One device's connection: a modbus-serial client over TCP (or RTU on a serial line), opened, read and thrown away.
 *
 * Every await here is bounded by the device's timeout, by our own timer and not only the library's: the promise of
 * isolation ("a dead device never delays another, and never stalls its own loop") must not rest on every code path
 * of a third-party client. A link that failed in any way is destroyed, and the next attempt builds a fresh client,
 * so no half-open socket, stale transaction id or late answer from the previous connection can leak into a poll.
 */
import modbusSerial from 'modbus-serial';
import type { ReadBlock } from './read-plan.ts';

export type ModbusEndpoint =
  | { protocol: 'modbus-tcp'; host: string; port: number }
  // RTU on a serial line (connectRTUBuffered). Untested here: this machine has no serial port. Each RTU device opens
  // its own port, so several unit ids on one RS-485 bus would need one shared link with requests taken in turn.
  | { protocol: 'modbus-rtu'; path: string; baudRate: number };

/** What went wrong talking to the device, with the Modbus exception code when the device answered with one. */
// The package is CommonJS with `module.exports.default = module.exports`: under NodeNext the default import is the
// module object, and `.default` is the client class both for the type checker and at run time.
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

export class ModbusLinkError extends Error {
  constructor(message: string, readonly modbusCode?: number) {
    super(message);
    this.name = 'ModbusLinkError';
  }
}

export class ModbusLink {
  private client: ModbusClient | undefined;
  // Rejects the request in flight. modbus-serial's destroy() clears a pending request's timer without settling its
  // promise, so closing the link settles it here instead, and stop() never waits out a timeout.
  private abort: ((err: Error) => void) | undefined;

  constructor(
    private readonly endpoint: ModbusEndpoint,
    private readonly unitId: number,
    private readonly timeoutMs: number,
  ) {}

  get isOpen(): boolean {
    return this.client?.isOpen === true;
  }

  async connect(): Promise<void> {
    this.close();
    const client = new ModbusRTU();
    // modbus-serial re-emits socket errors; an 'error' event without a listener would crash the whole process.
    client.on('error', () => undefined);
    this.client = client;
    const opening =
      this.endpoint.protocol === 'modbus-tcp'
        ? client.connectTCP(this.endpoint.host, { port: this.endpoint.port })
        : client.connectRTUBuffered(this.endpoint.path, { baudRate: this.endpoint.baudRate });
    try {
      await this.bounded(opening, this.timeoutMs, 'connect');
    } catch (err) {
      this.close();
      throw err;
    }
    // Set after connecting: given before, modbus-serial also makes it the socket's idle timeout.
    client.setID(this.unitId);
    client.setTimeout(this.timeoutMs);
  }

  async read(block: ReadBlock): Promise<number[]> {
    const client = this.client;
    if (!client?.isOpen) throw new ModbusLinkError('not connected');
    const request = block.function === 'holding' ? client.readHoldingRegisters(block.address, block.count) : client.readInputRegisters(block.address, block.count);
    // The library times out at timeoutMs; ours is the backstop, a little later so the library's error wins the race.
    const result = await this.bounded(request, this.timeoutMs + 250, `read ${block.function} ${block.address}+${block.count}`);
    return result.data;
  }

  close(): void {
    this.abort?.(new ModbusLinkError('connection closed'));
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      client.destroy(() => undefined);
    } catch {
      // already closed: nothing left to release
    }
  }

  private async bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ModbusLinkError(`${what} timed out after ${ms} ms`)), ms);
      this.abort = reject;
    });
    try {
      return await Promise.race([work.catch((err) => Promise.reject(linkError(err, what))), cut]);
    } finally {
      clearTimeout(timer);
      this.abort = undefined;
    }
  }
}

/** modbus-serial rejects with plain objects ({ name, message, errno, modbusCode }), not always Errors. */
function linkError(err: unknown, what: string): ModbusLinkError {
  const e = (err ?? {}) as { message?: unknown; modbusCode?: unknown; errno?: unknown; code?: unknown };
  const message = typeof e.message === 'string' && e.message ? e.message : String(e.code ?? e.errno ?? err);
  return new ModbusLinkError(`${what}: ${message}`, typeof e.modbusCode === 'number' ? e.modbusCode : undefined);
}
