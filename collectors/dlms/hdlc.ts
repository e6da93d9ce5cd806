/**
 * HDLC framing for serial and optical ports (IEC 62056-46, Green Book 8.4): frame format type 3 (0xA0 | segmentation
 * bit | 11-bit length), destination and source addresses of 1, 2 or 4 bytes (the low bit marks an address's last
 * byte), a control byte, HCS over the header when an information field follows, FCS over the whole frame, all between
 * 0x7E flags. Both check sequences are CRC-16/X.25, sent low byte first.
 *
 * `HdlcReassembler` finds frames in a byte stream that may hold line noise, half frames and frames split anywhere:
 * a frame failing any check is reported as a DlmsError (reason frame_invalid or checksum_invalid) and the scan
 * resumes at the next flag; the buffer never holds more than one maximum-size frame.
 */
import { DlmsError } from './errors.ts';

export const HDLC_FLAG = 0x7e;
export const LLC_REQUEST = Buffer.from([0xe6, 0xe6, 0x00]);
export const LLC_RESPONSE = Buffer.from([0xe6, 0xe7, 0x00]);
const MAX_FRAME_LENGTH = 0x7ff; // 11 bits

export const CONTROL = { SNRM: 0x93, DISC: 0x53, UA: 0x73, DM: 0x1f, FRMR: 0x97, UI: 0x13 } as const;

/** An HDLC address: the server's upper (logical device) and lower (physical) parts, or a client SAP as `upper`. */
export interface HdlcAddress {
  upper: number;
  lower?: number;
  size: 1 | 2 | 4;
}

export interface HdlcFrame {
  segmented: boolean;
  destination: HdlcAddress;
  source: HdlcAddress;
  control: number;
  info: Buffer;
}

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x8408 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/X.25 (poly 0x1021 reflected, init 0xFFFF, final xor 0xFFFF), the HDLC FCS and HCS. */
export function crc16x25(b: Uint8Array, start = 0, end = b.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ CRC_TABLE[(crc ^ b[i]) & 0xff];
  return ~crc & 0xffff;
}

export function encodeAddress(a: HdlcAddress): Buffer {
  const lower = a.lower ?? 0;
  if (a.size === 1) return Buffer.from([((a.upper & 0x7f) << 1) | 1]);
  if (a.size === 2) return Buffer.from([(a.upper & 0x7f) << 1, ((lower & 0x7f) << 1) | 1]);
  return Buffer.from([((a.upper >> 7) & 0x7f) << 1, (a.upper & 0x7f) << 1, ((lower >> 7) & 0x7f) << 1, ((lower & 0x7f) << 1) | 1]);
}

function decodeAddress(b: Buffer, at: number, end: number): { address: HdlcAddress; next: number } {
  let n = 0;
  while (at + n < end && (b[at + n] & 1) === 0) n++;
  n++;
  if (at + n > end || (n !== 1 && n !== 2 && n !== 4)) throw new DlmsError('frame_invalid', `HDLC address of ${n} bytes`);
  const v = (i: number) => b[at + i] >> 1;
  const address: HdlcAddress = n === 1 ? { upper: v(0), size: 1 } : n === 2 ? { upper: v(0), lower: v(1), size: 2 } : { upper: (v(0) << 7) | v(1), lower: (v(2) << 7) | v(3), size: 4 };
  return { address, next: at + n };
}

export function encodeHdlc(f: HdlcFrame): Buffer {
  const dst = encodeAddress(f.destination);
  const src = encodeAddress(f.source);
  const header = 2 + dst.length + src.length + 1;
  const length = header + (f.info.length ? 2 + f.info.length : 0) + 2;
  if (length > MAX_FRAME_LENGTH) throw new DlmsError('too_large', `HDLC frame of ${length} bytes`);
  const b = Buffer.alloc(length + 2);
  b[0] = HDLC_FLAG;
  b.writeUInt16BE(0xa000 | (f.segmented ? 0x0800 : 0) | length, 1);
  dst.copy(b, 3);
  src.copy(b, 3 + dst.length);
  b[1 + header - 1] = f.control;
  let at = 1 + header;
  if (f.info.length) {
    b.writeUInt16LE(crc16x25(b, 1, at), at);
    at += 2;
    f.info.copy(b, at);
    at += f.info.length;
  }
  b.writeUInt16LE(crc16x25(b, 1, at), at);
  b[at + 2] = HDLC_FLAG;
  return b;
}

/** Decodes exactly one frame, flags included. */
export function decodeHdlc(b: Buffer): HdlcFrame {
  if (b.length < 9 || b[0] !== HDLC_FLAG || b[b.length - 1] !== HDLC_FLAG) throw new DlmsError('frame_invalid', 'HDLC frame must start and end with 0x7E and hold at least a header');
  const format = b.readUInt16BE(1);
  if ((format & 0xf000) !== 0xa000) throw new DlmsError('frame_invalid', `HDLC frame format 0x${format.toString(16)} is not type 3`);
  const length = format & MAX_FRAME_LENGTH;
  if (length !== b.length - 2) throw new DlmsError('length_invalid', `HDLC frame announces ${length} bytes, carries ${b.length - 2}`);
  const end = b.length - 3; // index of the FCS
  const dst = decodeAddress(b, 3, end);
  const src = decodeAddress(b, dst.next, end);
  if (src.next >= end) throw new DlmsError('frame_invalid', 'HDLC frame without control byte');
  const control = b[src.next];
  let at = src.next + 1;
  if (b.readUInt16LE(end) !== crc16x25(b, 1, end)) throw new DlmsError('checksum_invalid', 'HDLC FCS does not match');
  let info = Buffer.alloc(0);
  if (at < end) {
    if (end - at < 2) throw new DlmsError('frame_invalid', 'HDLC frame too short for its HCS');
    if (b.readUInt16LE(at) !== crc16x25(b, 1, at)) throw new DlmsError('checksum_invalid', 'HDLC HCS does not match');
    at += 2;
    info = Buffer.from(b.subarray(at, end));
  }
  return { segmented: (format & 0x0800) !== 0, destination: dst.address, source: src.address, control, info };
}

export type HdlcEvent = { frame: HdlcFrame } | { error: DlmsError };

export class HdlcReassembler {
  private pending: Buffer = Buffer.alloc(0);
  skipped = 0;

  /** Feeds received bytes; returns the frames (and the refusals of broken ones) they complete, in order. */
  push(chunk: Buffer): HdlcEvent[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: HdlcEvent[] = [];
    let at = 0;
    for (;;) {
      const flag = buf.indexOf(HDLC_FLAG, at);
      if (flag < 0) {
        this.skipped += buf.length - at;
        at = buf.length;
        break;
      }
      this.skipped += flag - at;
      at = flag;
      if (buf.length - at < 3) break;
      if (buf[at + 1] === HDLC_FLAG) {
        at++; // two flags in a row: the first closed a frame (or was noise)
        continue;
      }
      const format = buf.readUInt16BE(at + 1);
      const length = format & MAX_FRAME_LENGTH;
      if ((format & 0xf000) !== 0xa000 || length < 7) {
        out.push({ error: new DlmsError('frame_invalid', `HDLC frame format 0x${format.toString(16)}`) });
        at++;
        continue;
      }
      if (buf.length - at < length + 2) break; // wait for the rest
      const frame = buf.subarray(at, at + length + 2);
      try {
        out.push({ frame: decodeHdlc(frame) });
        at += length + 1; // stay on the closing flag: it may open the next frame
      } catch (err) {
        if (!(err instanceof DlmsError)) throw err;
        out.push({ error: err });
        at++;
      }
    }
    this.pending = at >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return out;
  }

  get buffered(): number {
    return this.pending.length;
  }
}

/** Control byte helpers. I-frame: N(R) P N(S) 0; RR: N(R) P 0001. */
export const control = {
  i: (ns: number, nr: number, final = true) => ((nr & 7) << 5) | (final ? 0x10 : 0) | ((ns & 7) << 1),
  rr: (nr: number) => ((nr & 7) << 5) | 0x11,
  isI: (c: number) => (c & 1) === 0,
  isRR: (c: number) => (c & 0x0f) === 0x01,
  ns: (c: number) => (c >> 1) & 7,
  nr: (c: number) => (c >> 5) & 7,
};
