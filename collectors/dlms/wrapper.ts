/**
 * The TCP/UDP wrapper (IEC 62056-47, Green Book 7.3.3): each APDU travels behind an 8-byte header, version 0x0001,
 * source wPort, destination wPort and the APDU length. wPorts are the client SAP (16 = public client, 1 = management)
 * and the server's logical device (1 = management logical device). The registered port is 4059.
 *
 * `WrapperReassembler` cuts a byte stream into frames whatever the TCP segmentation, and survives garbage: a header
 * that is not version 1, or announces more than `maxApdu` bytes, costs one byte of resynchronisation and is counted,
 * never buffered. Memory per stream is bounded by one frame.
 */
import { DlmsError } from './errors.ts';

export const WRAPPER_VERSION = 0x0001;
export const WRAPPER_HEADER = 8;
export const DLMS_PORT = 4059;

export interface WrapperFrame {
  source: number;
  destination: number;
  apdu: Buffer;
}

export function encodeWrapper(f: WrapperFrame): Buffer {
  if (f.apdu.length > 0xffff) throw new DlmsError('too_large', `APDU of ${f.apdu.length} bytes does not fit a wrapper frame`);
  const b = Buffer.allocUnsafe(WRAPPER_HEADER + f.apdu.length);
  b.writeUInt16BE(WRAPPER_VERSION, 0);
  b.writeUInt16BE(f.source, 2);
  b.writeUInt16BE(f.destination, 4);
  b.writeUInt16BE(f.apdu.length, 6);
  f.apdu.copy(b, WRAPPER_HEADER);
  return b;
}

/** Decodes one complete wrapper frame (exactly its bytes). */
export function decodeWrapper(b: Buffer): WrapperFrame {
  if (b.length < WRAPPER_HEADER) throw new DlmsError('truncated', `wrapper header needs 8 bytes, got ${b.length}`);
  const version = b.readUInt16BE(0);
  if (version !== WRAPPER_VERSION) throw new DlmsError('frame_invalid', `wrapper version 0x${version.toString(16)}`);
  const length = b.readUInt16BE(6);
  if (b.length !== WRAPPER_HEADER + length) throw new DlmsError('length_invalid', `wrapper announces ${length} bytes, frame carries ${b.length - WRAPPER_HEADER}`);
  return { source: b.readUInt16BE(2), destination: b.readUInt16BE(4), apdu: Buffer.from(b.subarray(WRAPPER_HEADER)) };
}

export class WrapperReassembler {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes dropped while resynchronising after garbage. */
  skipped = 0;

  constructor(private readonly maxApdu = 0xffff) {}

  /** Feeds received bytes; returns the frames they complete, in order. */
  push(chunk: Buffer): WrapperFrame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: WrapperFrame[] = [];
    let at = 0;
    const buf = this.pending;
    while (buf.length - at >= WRAPPER_HEADER) {
      const length = buf.readUInt16BE(at + 6);
      if (buf.readUInt16BE(at) !== WRAPPER_VERSION || length > this.maxApdu) {
        at++;
        this.skipped++;
        continue;
      }
      if (buf.length - at < WRAPPER_HEADER + length) break; // the rest of this frame is still on the way
      frames.push({ source: buf.readUInt16BE(at + 2), destination: buf.readUInt16BE(at + 4), apdu: Buffer.from(buf.subarray(at + WRAPPER_HEADER, at + WRAPPER_HEADER + length)) });
      at += WRAPPER_HEADER + length;
    }
    this.pending = at === 0 ? buf : Buffer.from(buf.subarray(at));
    return frames;
  }

  /** Bytes held for an incomplete frame (bounded by 8 + maxApdu). */
  get buffered(): number {
    return this.pending.length;
  }
}
