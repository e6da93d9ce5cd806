/**
 * A cursor over received bytes. Every read checks the bytes are there first and throws DlmsError('truncated') when
 * not, so no decoder can read past its input, and none ever sees Node's RangeError.
 */
import { DlmsError } from './errors.ts';

export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) throw new DlmsError('truncated', `${what}: need ${n} bytes, ${this.end - this.pos} left at offset ${this.pos}`);
  }

  u8(what = 'byte'): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Fixed-size big-endian read of 1, 2, 4 or 8 bytes via the given Buffer method. */
  fixed<T>(n: number, read: (b: Buffer, at: number) => T, what: string): T {
    this.need(n, what);
    const v = read(this.buf, this.pos);
    this.pos += n;
    return v;
  }

  /** A copy, so a decoded value never pins the (possibly large) receive buffer. */
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const out = Buffer.from(this.buf.subarray(this.pos, this.pos + n));
    this.pos += n;
    return out;
  }

  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.pos += n;
  }

  /**
   * A-XDR / BER length: one byte below 0x80, else 0x8N followed by N big-endian bytes. More than 4 length bytes, or the
   * indefinite form 0x80, never occur in DLMS and are refused.
   */
  length(what = 'length'): number {
    const first = this.u8(what);
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new DlmsError('length_invalid', `${what}: length form 0x${first.toString(16)} at offset ${this.pos - 1}`);
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.u8(what);
    return v;
  }

  /** A length that must fit in what is left: a claimed 2 GB string in a 40-byte frame fails before any allocation. */
  boundedLength(what: string): number {
    const n = this.length(what);
    if (n > this.remaining) throw new DlmsError('truncated', `${what}: length ${n} but ${this.remaining} bytes left`);
    return n;
  }
}

/** A growing output buffer for encoders. */
export class ByteWriter {
  private buf = Buffer.allocUnsafe(256);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, this.len);
    this.len += 2;
    return this;
  }

  u32(v: number): this {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.len);
    this.len += 4;
    return this;
  }

  with(n: number, write: (b: Buffer, at: number) => unknown): this {
    this.room(n);
    write(this.buf, this.len);
    this.len += n;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  length(n: number): this {
    if (n < 0x80) return this.u8(n);
    if (n <= 0xff) return this.u8(0x81).u8(n);
    if (n <= 0xffff) return this.u8(0x82).u16(n);
    return this.u8(0x84).u32(n);
  }

  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
