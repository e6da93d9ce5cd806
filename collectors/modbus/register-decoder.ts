/**
 * Turns register words into values. Pure, and it never throws: whatever a device (or a broken link) sends comes back
 * as a value or as a reason, point by point, so one unreadable sensor does not cost the readings of the others.
 *
 * Byte and word order: the words are first put in most-significant-first order (reversed when `wordOrder` is LE),
 * each word's two bytes are laid out high byte first (swapped when `byteOrder` is LE), and the resulting bytes are
 * read as a big-endian number. So float32 25.0 is 0x41C8 0x0000 with BE/BE, 0x0000 0x41C8 with word order LE and
 * 0xC841 0x0000 with byte order LE.
 */
import type { ReadBlock } from './read-plan.ts';
import type { Order, RegisterPoint, RegisterType } from './register-map.ts';

export type Decoded = { ok: true; value: number } | { ok: false; detail: string };
export type PointResult = { point: RegisterPoint; ok: true; value: number } | { point: RegisterPoint; ok: false; detail: string };

/** Decodes one value from exactly the registers it occupies. */
export function decodeValue(words: readonly number[], type: RegisterType, byteOrder: Order, wordOrder: Order): Decoded {
  const width = type.endsWith('16') ? 1 : type.endsWith('32') ? 2 : 4;
  if (words.length !== width) return { ok: false, detail: `${type} needs ${width} registers, got ${words.length}` };
  for (const w of words) {
    if (!Number.isInteger(w) || w < 0 || w > 0xffff) return { ok: false, detail: `register value ${String(w).slice(0, 20)} is not a 16-bit word` };
  }
  const ordered = wordOrder === 'LE' ? [...words].reverse() : words;
  const buf = Buffer.alloc(width * 2);
  ordered.forEach((w, i) => (byteOrder === 'LE' ? buf.writeUInt16LE(w, i * 2) : buf.writeUInt16BE(w, i * 2)));
  switch (type) {
    case 'uint16':
      return ok(buf.readUInt16BE(0));
    case 'int16':
      return ok(buf.readInt16BE(0));
    case 'uint32':
      return ok(buf.readUInt32BE(0));
    case 'int32':
      return ok(buf.readInt32BE(0));
    case 'float32':
      return finite(shortestFloat32(buf.readFloatBE(0)), type);
    case 'float64':
      return finite(buf.readDoubleBE(0), type);
    case 'uint64':
      return safe(buf.readBigUInt64BE(0), type);
    case 'int64':
      return safe(buf.readBigInt64BE(0), type);
    default:
      return { ok: false, detail: `unknown type ${String(type).slice(0, 20)}` };
  }
}

/**
 * Decodes every point of a poll: `blockWords[i]` holds what the device returned for `blocks[i]`. A block whose
 * answer has the wrong length fails all its points rather than guessing which registers are missing.
 */
export function decodeBlocks(blocks: readonly ReadBlock[], blockWords: readonly (readonly number[])[]): PointResult[] {
  const out: PointResult[] = [];
  blocks.forEach((block, b) => {
    const words = blockWords[b];
    const complete = Array.isArray(words) && words.length === block.count;
    for (const point of block.points) {
      if (!complete) {
        out.push({ point, ok: false, detail: `${point.channel}: ${block.function} ${block.address}+${block.count}: got ${Array.isArray(words) ? words.length : 'no'} registers` });
        continue;
      }
      const offset = point.address - block.address;
      const d = decodeValue(words.slice(offset, offset + point.words), point.type, point.byteOrder, point.wordOrder);
      const value = d.ok ? applyScale(d.value, point.scale) : NaN;
      if (!d.ok) out.push({ point, ok: false, detail: `${point.channel}: ${d.detail}` });
      else if (!Number.isFinite(value)) out.push({ point, ok: false, detail: `${point.channel}: ${d.value} x ${point.scale} is not a finite number` });
      else out.push({ point, ok: true, value });
    }
  });
  return out;
}

/**
 * `raw * scale`, except that a scale like 0.001 divides by 1000 instead: 12345 * 0.001 is 12.345000000000001 in
 * binary floating point while 12345 / 1000 is the double nearest 12.345, which is what the meter's display shows.
 */
export function applyScale(raw: number, scale: number): number {
  const inverse = Math.round(1 / scale);
  if (Math.abs(scale) < 1 && inverse !== 0 && 1 / inverse === scale) return raw / inverse;
  return raw * scale;
}

/** The words as the device sent them, big-endian, for the dead-letter table. Tolerates values that are not words. */
export function wordsToBytes(blockWords: readonly (readonly number[])[]): Buffer {
  const all = blockWords.flatMap((w) => (Array.isArray(w) ? w : []));
  const buf = Buffer.alloc(all.length * 2);
  all.forEach((w, i) => buf.writeUInt16BE((Number.isInteger(w) ? w : 0) & 0xffff, i * 2));
  return buf;
}

/**
 * The shortest decimal that is still the same float32: a device's 0.3 arrives as the float32 nearest 0.3, which
 * widened to a double is 0.30000001192092896. Storage holds doubles, so it would keep digits nobody measured.
 */
function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function ok(value: number): Decoded {
  return { ok: true, value };
}

/** NaN and infinities are how many devices say "no sensor value"; they are not readings. */
function finite(value: number, type: RegisterType): Decoded {
  return Number.isFinite(value) ? ok(value) : { ok: false, detail: `${type} is ${value} (no valid measurement)` };
}

/** A 64-bit counter beyond 2^53 cannot be a JavaScript number without losing its last digits: refuse, never round. */
function safe(value: bigint, type: RegisterType): Decoded {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return { ok: false, detail: `${type} ${value} exceeds 2^53 and would lose precision` };
  return ok(Number(value));
}
