/**
 * A-XDR encoding of COSEM Data: the inverse of data-decode.ts, used for requests (selective access, SET values,
 * ACTION parameters), by the meter emulator, and by the round-trip property tests. Values out of their type's range
 * are refused (DlmsError 'value_invalid') rather than wrapped: a SET that writes 256 into a uint8 must not write 0.
 */
import { ByteWriter } from './byte-reader.ts';
import { FIXED_SIZE, TAG, type DlmsData, type TypeDescription } from './data.ts';
import { DlmsError } from './errors.ts';

const RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  enum: [0, 255],
  bcd: [0, 255],
  uint16: [0, 65535],
  uint32: [0, 4294967295],
};

export function encodeData(value: DlmsData): Buffer {
  const w = new ByteWriter();
  writeData(w, value);
  return w.done();
}

export function writeData(w: ByteWriter, v: DlmsData): void {
  w.u8(TAG[v.type]);
  if (v.type === 'array' || v.type === 'structure') {
    w.length(v.items.length);
    for (const item of v.items) writeData(w, item);
    return;
  }
  if (v.type === 'compact-array') {
    writeTypeDescription(w, v.description);
    const contents = new ByteWriter();
    for (const item of v.items) writeUntagged(contents, v.description, item);
    const bytes = contents.done();
    w.length(bytes.length).bytes(bytes);
    return;
  }
  writeValue(w, v);
}

function writeTypeDescription(w: ByteWriter, t: TypeDescription): void {
  w.u8(TAG[t.type]);
  if (t.type === 'array') {
    w.u16(t.count);
    writeTypeDescription(w, t.element);
  } else if (t.type === 'structure') {
    w.length(t.elements.length);
    for (const e of t.elements) writeTypeDescription(w, e);
  }
}

function writeUntagged(w: ByteWriter, t: TypeDescription, v: DlmsData): void {
  if (t.type !== v.type) throw new DlmsError('value_invalid', `compact-array element is ${v.type}, described as ${t.type}`);
  if (t.type === 'array' && v.type === 'array') {
    if (v.items.length !== t.count) throw new DlmsError('value_invalid', `compact-array element has ${v.items.length} items, described ${t.count}`);
    for (const item of v.items) writeUntagged(w, t.element, item);
  } else if (t.type === 'structure' && v.type === 'structure') {
    if (v.items.length !== t.elements.length) throw new DlmsError('value_invalid', 'compact-array structure size differs from its description');
    v.items.forEach((item, i) => writeUntagged(w, t.elements[i], item));
  } else {
    writeValue(w, v);
  }
}

function writeValue(w: ByteWriter, v: DlmsData): void {
  switch (v.type) {
    case 'null':
    case 'dont-care':
      return;
    case 'boolean':
      w.u8(v.value ? 1 : 0);
      return;
    case 'bit-string':
      if (v.value.length !== Math.ceil(v.bits / 8)) throw new DlmsError('value_invalid', `bit-string of ${v.bits} bits needs ${Math.ceil(v.bits / 8)} bytes`);
      w.length(v.bits).bytes(v.value);
      return;
    case 'int8':
    case 'int16':
    case 'int32':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'enum':
    case 'bcd': {
      const [min, max] = RANGE[v.type];
      if (!Number.isInteger(v.value) || v.value < min || v.value > max) throw new DlmsError('value_invalid', `${v.value} is not a ${v.type}`);
      const size = FIXED_SIZE[v.type]!;
      if (v.type.startsWith('int')) w.with(size, (b, at) => b.writeIntBE(v.value, at, size));
      else w.with(size, (b, at) => b.writeUIntBE(v.value, at, size));
      return;
    }
    case 'int64':
      if (v.value < -(2n ** 63n) || v.value >= 2n ** 63n) throw new DlmsError('value_invalid', `${v.value} is not an int64`);
      w.with(8, (b, at) => b.writeBigInt64BE(v.value, at));
      return;
    case 'uint64':
      if (v.value < 0n || v.value >= 2n ** 64n) throw new DlmsError('value_invalid', `${v.value} is not a uint64`);
      w.with(8, (b, at) => b.writeBigUInt64BE(v.value, at));
      return;
    case 'float32':
      w.with(4, (b, at) => b.writeFloatBE(v.value, at));
      return;
    case 'float64':
      w.with(8, (b, at) => b.writeDoubleBE(v.value, at));
      return;
    case 'octet-string':
      w.length(v.value.length).bytes(v.value);
      return;
    case 'visible-string': {
      const bytes = Buffer.from(v.value, 'latin1');
      w.length(bytes.length).bytes(bytes);
      return;
    }
    case 'utf8-string': {
      const bytes = Buffer.from(v.value, 'utf8');
      w.length(bytes.length).bytes(bytes);
      return;
    }
    case 'date-time':
    case 'date':
    case 'time':
      if (v.value.length !== FIXED_SIZE[v.type]) throw new DlmsError('value_invalid', `${v.type} must be ${FIXED_SIZE[v.type]} bytes`);
      w.bytes(v.value);
      return;
    default:
      throw new DlmsError('value_invalid', `cannot encode ${(v as DlmsData).type} here`);
  }
}
