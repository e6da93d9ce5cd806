/**
 * A DLMS link over TCP with the wrapper (IEC 62056-47): one request, one answer, each bounded by a timeout of our own.
 * A link that failed in any way (timeout, garbage that never became a frame, a closed socket) is closed and never
 * reused: a late answer to an abandoned request must not be taken for the answer to the next one.
 */
import net from 'node:net';
import { DlmsError } from './errors.ts';
import { encodeWrapper, WrapperReassembler } from './wrapper.ts';

export interface DlmsTransport {
  readonly isOpen: boolean;
  /** Sends an APDU and resolves with the next APDU the meter sends. */
  request(apdu: Buffer, timeoutMs: number): Promise<Buffer>;
  close(): void;
}

export interface TcpEndpoint {
  host: string;
  port: number;
  clientSap: number; // wrapper source wPort
  serverSap: number; // wrapper destination wPort (logical device)
}

export class TcpWrapperTransport implements DlmsTransport {
  private socket: net.Socket | undefined;
  private readonly reassembler = new WrapperReassembler();
  private waiter: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private queue: Buffer[] = [];

  private constructor(private readonly endpoint: TcpEndpoint) {}

  static async connect(endpoint: TcpEndpoint, timeoutMs: number): Promise<TcpWrapperTransport> {
    const t = new TcpWrapperTransport(endpoint);
    await t.open(timeoutMs);
    return t;
  }

  get isOpen(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  private open(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.endpoint.host, port: this.endpoint.port });
      this.socket = socket;
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new DlmsError('timeout', `connect to ${this.endpoint.host}:${this.endpoint.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.on('data', (chunk) => {
        for (const frame of this.reassembler.push(chunk)) this.deliver(frame.apdu);
      });
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(new DlmsError('connection_closed', `${this.endpoint.host}:${this.endpoint.port}: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
        this.fail(new DlmsError('connection_closed', (err as NodeJS.ErrnoException).code ?? err.message));
      });
      socket.on('close', () => this.fail(new DlmsError('connection_closed', 'the meter closed the connection')));
    });
  }

  private deliver(apdu: Buffer): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve(apdu);
    } else if (this.queue.length < 4) this.queue.push(apdu); // unsolicited; a few are kept, the rest dropped
  }

  private fail(err: Error): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }

  request(apdu: Buffer, timeoutMs: number): Promise<Buffer> {
    if (!this.isOpen) return Promise.reject(new DlmsError('not_connected', 'the link is closed'));
    this.queue = []; // anything unsolicited before a request is not its answer
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.close();
        reject(new DlmsError('timeout', `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (b) => {
          clearTimeout(timer);
          resolve(b);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket!.write(encodeWrapper({ source: this.endpoint.clientSap, destination: this.endpoint.serverSap, apdu }));
    });
  }

  close(): void {
    this.fail(new DlmsError('connection_closed', 'link closed'));
    this.socket?.destroy();
  }
}
