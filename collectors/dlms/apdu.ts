/**
 * One entry point for every APDU the collector meets: `decodeApdu(bytes)` returns an ACSE or xDLMS APDU, or throws a
 * DlmsError. Ciphered APDUs (glo-, ded-, general-glo/ded-ciphering, general-signing) are recognised by tag and refused
 * with 'ciphering_unsupported', so a meter configured for security suite 0 gets a clear answer rather than a
 * 'tag_unknown' (see docs/dlms.md, "Security").
 */
import { decodeAare, decodeAarq, decodeRelease, encodeAare, encodeAarq, encodeRelease, type Aare, type Aarq, type Rlre, type Rlrq } from './acse.ts';
import { ByteReader } from './byte-reader.ts';
import { DecodeBudget } from './data-decode.ts';
import { DEFAULT_LIMITS, type DecodeLimits } from './data.ts';
import { DlmsError } from './errors.ts';
import { decodeXdlms, encodeXdlms, type XdlmsApdu } from './xdlms.ts';

export type Apdu = Aarq | Aare | Rlrq | Rlre | XdlmsApdu;

const CIPHERED: Record<number, string> = {
  0x21: 'glo-initiateRequest',
  0x28: 'glo-initiateResponse',
  0xc8: 'glo-get-request',
  0xc9: 'glo-set-request',
  0xca: 'glo-event-notification',
  0xcb: 'glo-action-request',
  0xcc: 'glo-get-response',
  0xcd: 'glo-set-response',
  0xcf: 'glo-action-response',
  0xd0: 'ded-get-request',
  0xd1: 'ded-set-request',
  0xd2: 'ded-event-notification',
  0xd3: 'ded-action-request',
  0xd4: 'ded-get-response',
  0xd5: 'ded-set-response',
  0xd7: 'ded-action-response',
  0xdb: 'general-glo-ciphering',
  0xdc: 'general-ded-ciphering',
  0xdd: 'general-ciphering',
  0xdf: 'general-signing',
};

export function isCipheredTag(tag: number): boolean {
  return tag in CIPHERED;
}

export function decodeApdu(buf: Buffer, limits: DecodeLimits = DEFAULT_LIMITS): Apdu {
  if (buf.length > limits.maxBytes) throw new DlmsError('too_large', `APDU of ${buf.length} bytes > ${limits.maxBytes}`);
  const r = new ByteReader(buf);
  const tag = r.u8('APDU tag');
  if (tag in CIPHERED) throw new DlmsError('ciphering_unsupported', `${CIPHERED[tag]} (0x${tag.toString(16)}): security suite 0 is not supported yet`);
  let apdu: Apdu;
  if (tag === 0x60) apdu = decodeAarq(r);
  else if (tag === 0x61) apdu = decodeAare(r);
  else if (tag === 0x62) apdu = decodeRelease(r, 'rlrq');
  else if (tag === 0x63) apdu = decodeRelease(r, 'rlre');
  else if ([0x0f, 0x0e, 0xd8, 0xc0, 0xc1, 0xc3, 0xc4, 0xc5, 0xc7].includes(tag)) apdu = decodeXdlms(tag, r, new DecodeBudget(limits));
  else throw new DlmsError('tag_unknown', `APDU tag 0x${tag.toString(16)}`);
  if (r.remaining) throw new DlmsError('trailing_bytes', `${r.remaining} bytes after the ${apdu.tag} APDU`);
  return apdu;
}

export function encodeApdu(a: Apdu): Buffer {
  switch (a.tag) {
    case 'aarq':
      return encodeAarq(a);
    case 'aare':
      return encodeAare(a);
    case 'rlrq':
    case 'rlre':
      return encodeRelease(a);
    default:
      return encodeXdlms(a);
  }
}
