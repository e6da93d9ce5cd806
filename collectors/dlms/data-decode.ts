/**
 * A-XDR decoding of COSEM Data, bounded: nesting depth, the number of values and the input size are all limited
 * (DecodeLimits), every length is checked against the bytes actually left before anything is allocated, and every
 * failure is a DlmsError with a reason. Recursion depth is capped by maxDepth, so no input can overflow the stack.
 */
import { ByteReader } from './byte-reader.ts';
import { DEFAULT_LIMITS, FIXED_SIZE, TYPE_BY_TAG, type DecodeLimits, type DlmsData, type DlmsType, type TypeDescription } from './data.ts';
import { DlmsError } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What one decode has used of its limits; shared by the nested calls of one decode. */
export class DecodeBudget {
  elements = 0;
  constructor(readonly limits: DecodeLimits = DEFAULT_LIMITS) {}

  count(n = 1): void {
    this.elements += n;
    if (this.elements > this.limits.maxElements) throw new DlmsError('too_many_elements', `more than ${this.limits.maxElements} values`);
  }

  depth(depth: number): void {
    if (depth > this.limits.maxDepth) throw new DlmsError('depth_exceeded', `nesting deeper than ${this.limits.maxDepth}`);
  }
}

/** Decodes exactly one Data value filling `buf`. */
export function decodeData(buf: Buffer, limits: DecodeLimits = DEFAULT_LIMITS): DlmsData {
  if (buf.length > limits.maxBytes) throw new DlmsError('too_large', `${buf.length} bytes > ${limits.maxBytes}`);
  const r = new ByteReader(buf);
  const value = readData(r, new DecodeBudget(limits), 0);
  if (r.remaining) throw new DlmsError('trailing_bytes', `${r.remaining} bytes after the value`);
  return value;
}

export function readData(r: ByteReader, budget: DecodeBudget, depth: number): DlmsData {
  budget.count();
  const tag = r.u8('data tag');
  const type = TYPE_BY_TAG.get(tag);
  if (type === undefined) throw new DlmsError('tag_unknown', `data tag ${tag} at offset ${r.pos - 1}`);
  if (type === 'array' || type === 'structure') {
    budget.depth(depth + 1);
    const n = r.length(`${type} count`);
    // Every element takes at least its tag byte: a count beyond the bytes left is a lie, refused before allocating.
    if (n > r.remaining) throw new DlmsError('truncated', `${type} of ${n} elements but ${r.remaining} bytes left`);
    const items = new Array<DlmsData>(n);
    for (let i = 0; i < n; i++) items[i] = readData(r, budget, depth + 1);
    return { type, items };
  }
  if (type === 'compact-array') {
    budget.depth(depth + 1);
    const description = readTypeDescription(r, budget, depth + 1);
    const size = r.boundedLength('compact-array contents');
    const end = r.pos + size;
    const contents = new ByteReader(r.buf, r.pos, end);
    const items: DlmsData[] = [];
    while (contents.remaining) {
      const before = contents.pos;
      items.push(readUntagged(contents, description, budget, depth + 1));
      // Elements of zero size (null, empty structures) would loop for ever over non-empty contents.
      if (contents.pos === before) throw new DlmsError('value_invalid', 'compact-array of zero-size elements with contents');
    }
    r.pos = end;
    return { type, description, items };
  }
  return readSimple(r, type, budget);
}

function readTypeDescription(r: ByteReader, budget: DecodeBudget, depth: number): TypeDescription {
  budget.depth(depth);
  budget.count();
  const tag = r.u8('type description');
  const type = TYPE_BY_TAG.get(tag);
  if (type === undefined || type === 'compact-array') throw new DlmsError('tag_unknown', `type description tag ${tag}`);
  if (type === 'array') {
    const count = r.u16('compact array element count');
    return { type, count, element: readTypeDescription(r, budget, depth + 1) };
  }
  if (type === 'structure') {
    const n = r.length('structure description count');
    if (n > r.remaining) throw new DlmsError('truncated', `structure description of ${n} elements but ${r.remaining} bytes left`);
    const elements: TypeDescription[] = [];
    for (let i = 0; i < n; i++) elements.push(readTypeDescription(r, budget, depth + 1));
    return { type, elements };
  }
  return { type } as TypeDescription;
}

/** A value inside compact-array contents: its type comes from the description, so it carries no tag. */
function readUntagged(r: ByteReader, t: TypeDescription, budget: DecodeBudget, depth: number): DlmsData {
  budget.depth(depth);
  if (t.type === 'array') {
    // The count is in the description, not the data: check it against the budget before allocating.
    budget.count(t.count + 1);
    const items = new Array<DlmsData>(t.count);
    for (let i = 0; i < t.count; i++) items[i] = readUntagged(r, t.element, budget, depth + 1);
    return { type: 'array', items };
  }
  if (t.type === 'structure') {
    budget.count();
    return { type: 'structure', items: t.elements.map((e) => readUntagged(r, e, budget, depth + 1)) };
  }
  budget.count();
  return readSimple(r, t.type, budget);
}

function readSimple(r: ByteReader, type: Exclude<DlmsType, 'array' | 'structure' | 'compact-array'>, _budget: DecodeBudget): DlmsData {
  switch (type) {
    case 'null':
    case 'dont-care':
      return { type };
    case 'boolean':
      return { type, value: r.u8('boolean') !== 0 };
    case 'bit-string': {
      const bits = r.length('bit-string length');
      const n = Math.ceil(bits / 8);
      return { type, bits, value: r.bytes(n, 'bit-string') };
    }
    case 'int8':
      return { type, value: r.fixed(1, (b, at) => b.readInt8(at), type) };
    case 'int16':
      return { type, value: r.fixed(2, (b, at) => b.readInt16BE(at), type) };
    case 'int32':
      return { type, value: r.fixed(4, (b, at) => b.readInt32BE(at), type) };
    case 'uint8':
    case 'enum':
    case 'bcd':
      return { type, value: r.u8(type) };
    case 'uint16':
      return { type, value: r.u16(type) };
    case 'uint32':
      return { type, value: r.u32(type) };
    case 'int64':
      return { type, value: r.fixed(8, (b, at) => b.readBigInt64BE(at), type) };
    case 'uint64':
      return { type, value: r.fixed(8, (b, at) => b.readBigUInt64BE(at), type) };
    case 'float32':
      return { type, value: r.fixed(4, (b, at) => b.readFloatBE(at), type) };
    case 'float64':
      return { type, value: r.fixed(8, (b, at) => b.readDoubleBE(at), type) };
    case 'octet-string':
      return { type, value: r.bytes(r.boundedLength('octet-string length'), type) };
    case 'visible-string':
      return { type, value: r.bytes(r.boundedLength('visible-string length'), type).toString('latin1') };
    case 'utf8-string': {
      const raw = r.bytes(r.boundedLength('utf8-string length'), type);
      try {
        return { type, value: utf8.decode(raw) };
      } catch {
        throw new DlmsError('value_invalid', 'utf8-string is not valid UTF-8');
      }
    }
    case 'date-time':
    case 'date':
    case 'time':
      return { type, value: r.bytes(FIXED_SIZE[type]!, type) };
  }
}
