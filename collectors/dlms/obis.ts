/**
 * OBIS codes (IEC 62056-6-1): six groups A.B.C.D.E.F naming a COSEM object. We write them `7.0.3.0.0.255`; the
 * `7-0:3.0.0*255` and `7-0:3.0.0.255` spellings of manuals are accepted too. On the wire an OBIS code is 6 octets.
 */
import { DlmsError } from './errors.ts';

const FORMS = [/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})[.*](\d{1,3})$/];

export function obisBytes(code: string): Buffer {
  for (const form of FORMS) {
    const m = form.exec(code);
    if (!m) continue;
    const groups = m.slice(1).map(Number);
    if (groups.every((g) => g <= 255)) return Buffer.from(groups);
  }
  throw new DlmsError('value_invalid', `not an OBIS code: ${String(code).slice(0, 40)}`);
}

export function obisString(bytes: Buffer): string {
  if (bytes.length !== 6) throw new DlmsError('value_invalid', `an OBIS code is 6 octets, got ${bytes.length}`);
  return Array.from(bytes).join('.');
}

/** The canonical dotted form of any accepted spelling. */
export function normalizeObis(code: string): string {
  return obisString(obisBytes(code));
}

export function isObis(code: unknown): code is string {
  if (typeof code !== 'string') return false;
  try {
    obisBytes(code);
    return true;
  } catch {
    return false;
  }
}
