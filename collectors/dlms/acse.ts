/**
 * Association control (ACSE) APDUs, BER-encoded (IEC 62056-5-3 / Green Book 9.4): AARQ / AARE to open an
 * application association, RLRQ / RLRE to release it, and the xDLMS InitiateRequest / InitiateResponse they carry in
 * their user-information. Authentication: lowest level (none) and low level (LLS, a password in the AARQ). Ciphered
 * contexts and glo-initiate PDUs are recognised and refused with DlmsError('ciphering_unsupported').
 */
import { ByteReader, ByteWriter } from './byte-reader.ts';
import { DlmsError } from './errors.ts';

export type ApplicationContext = 'ln' | 'sn' | 'ln-ciphered' | 'sn-ciphered';
export type Mechanism = 'lowest' | 'lls' | 'hls' | 'hls-md5' | 'hls-sha1' | 'hls-gmac' | 'hls-sha256' | 'hls-ecdsa';

const CONTEXTS: ApplicationContext[] = ['ln', 'sn', 'ln-ciphered', 'sn-ciphered']; // ...08 01 01..04
const MECHANISMS: Mechanism[] = ['lowest', 'lls', 'hls', 'hls-md5', 'hls-sha1', 'hls-gmac', 'hls-sha256', 'hls-ecdsa']; // ...08 02 00..07
const OID_PREFIX = Buffer.from([0x60, 0x85, 0x74, 0x05, 0x08]); // 2.16.756.5.8 (DLMS UA)

/** Conformance bits we propose: get, set, action, selective access, block transfer with get, multiple references. */
export const CONFORMANCE = {
  generalBlockTransfer: 1 << 21,
  attribute0WithSet: 1 << 15,
  priorityManagement: 1 << 14,
  attribute0WithGet: 1 << 13,
  blockTransferWithGet: 1 << 12,
  blockTransferWithSet: 1 << 11,
  blockTransferWithAction: 1 << 10,
  multipleReferences: 1 << 9,
  dataNotification: 1 << 7,
  get: 1 << 4,
  set: 1 << 3,
  selectiveAccess: 1 << 2,
  eventNotification: 1 << 1,
  action: 1 << 0,
} as const;
export const CLIENT_CONFORMANCE = 0x007e1f; // the usual LN client proposal (bits 9-14, 19-23)

export interface InitiateRequest {
  dlmsVersion: number;
  conformance: number; // 24 bits, bit 0 of the Green Book is the most significant
  maxReceivePdu: number;
}
export interface InitiateResponse {
  dlmsVersion: number;
  conformance: number;
  maxReceivePdu: number;
  vaaName: number;
}

export interface Aarq {
  tag: 'aarq';
  context: ApplicationContext;
  mechanism: Mechanism;
  password?: Buffer; // LLS only; never logged
  callingApTitle?: Buffer;
  initiate: InitiateRequest;
}
export interface Aare {
  tag: 'aare';
  context: ApplicationContext;
  result: number; // 0 accepted, 1 rejected-permanent, 2 rejected-transient
  diagnostic: { source: 'user' | 'provider'; value: number };
  mechanism?: Mechanism;
  respondingApTitle?: Buffer;
  initiate?: InitiateResponse;
  initiateError?: { service: number; kind: number; value: number };
}
export interface Rlrq {
  tag: 'rlrq';
  reason?: number;
}
export interface Rlre {
  tag: 'rlre';
  reason?: number;
}

/** acse-service-user diagnostics, for readable refusals. */
export const ASSOCIATION_DIAGNOSTICS: Record<number, string> = {
  0: 'null',
  1: 'no reason given',
  2: 'application context name not supported',
  11: 'authentication mechanism name not recognised',
  12: 'authentication mechanism name required',
  13: 'authentication failure (wrong password)',
  14: 'authentication required',
};

function oid(arc: number, last: number): Buffer {
  return Buffer.concat([OID_PREFIX, Buffer.from([arc, last])]);
}

function tlv(w: ByteWriter, tag: number, body: Buffer): void {
  w.u8(tag).length(body.length).bytes(body);
}

function build(fill: (w: ByteWriter) => void): Buffer {
  const w = new ByteWriter();
  fill(w);
  return w.done();
}

export function encodeAarq(a: Aarq): Buffer {
  const body = build((w) => {
    tlv(w, 0xa1, build((x) => tlv(x, 0x06, oid(1, CONTEXTS.indexOf(a.context) + 1))));
    if (a.callingApTitle) tlv(w, 0xa6, build((x) => tlv(x, 0x04, a.callingApTitle!)));
    if (a.mechanism !== 'lowest') {
      tlv(w, 0x8a, Buffer.from([0x07, 0x80])); // sender-acse-requirements: authentication
      tlv(w, 0x8b, oid(2, MECHANISMS.indexOf(a.mechanism)));
      tlv(w, 0xac, build((x) => tlv(x, 0x80, a.password ?? Buffer.alloc(0))));
    }
    const init = build((x) => {
      x.u8(0x01).u8(0x00).u8(0x00).u8(0x00); // InitiateRequest, no dedicated key, response-allowed default, no QoS
      x.u8(a.initiate.dlmsVersion).u16(0x5f1f).u8(0x04).u8(0x00).u8(a.initiate.conformance >> 16).u16(a.initiate.conformance & 0xffff);
      x.u16(a.initiate.maxReceivePdu);
    });
    tlv(w, 0xbe, build((x) => tlv(x, 0x04, init)));
  });
  return build((w) => tlv(w, 0x60, body));
}

export function encodeAare(a: Aare): Buffer {
  const body = build((w) => {
    tlv(w, 0xa1, build((x) => tlv(x, 0x06, oid(1, CONTEXTS.indexOf(a.context) + 1))));
    tlv(w, 0xa2, Buffer.from([0x02, 0x01, a.result]));
    tlv(w, 0xa3, build((x) => tlv(x, a.diagnostic.source === 'user' ? 0xa1 : 0xa2, Buffer.from([0x02, 0x01, a.diagnostic.value]))));
    if (a.respondingApTitle) tlv(w, 0xa4, build((x) => tlv(x, 0x04, a.respondingApTitle!)));
    if (a.mechanism && a.mechanism !== 'lowest') {
      tlv(w, 0x88, Buffer.from([0x07, 0x80]));
      tlv(w, 0x89, oid(2, MECHANISMS.indexOf(a.mechanism)));
    }
    const info = a.initiateError
      ? Buffer.from([0x0e, a.initiateError.service, a.initiateError.kind, a.initiateError.value])
      : a.initiate
        ? build((x) => {
            const i = a.initiate!;
            x.u8(0x08).u8(0x00).u8(i.dlmsVersion).u16(0x5f1f).u8(0x04).u8(0x00).u8(i.conformance >> 16).u16(i.conformance & 0xffff).u16(i.maxReceivePdu).u16(i.vaaName);
          })
        : undefined;
    if (info) tlv(w, 0xbe, build((x) => tlv(x, 0x04, info)));
  });
  return build((w) => tlv(w, 0x61, body));
}

export function encodeRelease(r: Rlrq | Rlre): Buffer {
  const body = r.reason === undefined ? Buffer.alloc(0) : Buffer.from([0x80, 0x01, r.reason]);
  return build((w) => tlv(w, r.tag === 'rlrq' ? 0x62 : 0x63, body));
}

/** The TLVs directly inside an ACSE APDU whose tag byte was already read. */
function fields(r: ByteReader): Map<number, Buffer> {
  const len = r.boundedLength('ACSE APDU length');
  const inner = new ByteReader(r.buf, r.pos, r.pos + len);
  r.pos += len;
  const out = new Map<number, Buffer>();
  while (inner.remaining) {
    const tag = inner.u8('ACSE field tag');
    out.set(tag, inner.bytes(inner.boundedLength('ACSE field length'), 'ACSE field'));
  }
  return out;
}

/** The value inside one TLV (e.g. the OID inside A1 06 07 ...), checking the inner tag. */
function inner(b: Buffer | undefined, tag: number, what: string): Buffer | undefined {
  if (!b) return undefined;
  const r = new ByteReader(b);
  if (r.u8(what) !== tag) throw new DlmsError('value_invalid', `${what}: unexpected inner tag`);
  return r.bytes(r.boundedLength(what), what);
}

function context(b: Buffer | undefined): ApplicationContext {
  const o = inner(b, 0x06, 'application context name');
  if (!o || o.length !== 7 || !o.subarray(0, 5).equals(OID_PREFIX) || o[5] !== 1 || o[6] < 1 || o[6] > 4) throw new DlmsError('value_invalid', 'unknown application context name');
  return CONTEXTS[o[6] - 1];
}

function mechanism(o: Buffer | undefined): Mechanism | undefined {
  if (!o) return undefined;
  if (o.length !== 7 || !o.subarray(0, 5).equals(OID_PREFIX) || o[5] !== 2 || o[6] > 7) throw new DlmsError('value_invalid', 'unknown authentication mechanism name');
  return MECHANISMS[o[6]];
}

function conformance(r: ByteReader): number {
  if (r.u16('conformance tag') !== 0x5f1f || r.u8('conformance length') !== 4) throw new DlmsError('value_invalid', 'conformance block malformed');
  r.u8('conformance unused bits');
  return (r.u8() << 16) | r.u16();
}

/** Skips an A-XDR OPTIONAL value of `size` bytes (size -1: an octet string). */
function optional(r: ByteReader, size: number, what: string): void {
  if (r.u8(what) === 0) return;
  if (size < 0) r.skip(r.boundedLength(what), what);
  else r.skip(size, what);
}

function userInformation(b: Buffer | undefined): ByteReader | undefined {
  const body = inner(b, 0x04, 'user-information');
  return body ? new ByteReader(body) : undefined;
}

export function decodeAarq(r: ByteReader): Aarq {
  const f = fields(r);
  const ctx = context(f.get(0xa1));
  if (ctx.endsWith('ciphered')) throw new DlmsError('ciphering_unsupported', `AARQ proposes the ${ctx} application context`);
  const mech = mechanism(f.get(0x8b)) ?? 'lowest';
  const ui = userInformation(f.get(0xbe));
  if (!ui) throw new DlmsError('value_invalid', 'AARQ without user-information');
  const tag = ui.u8('initiate tag');
  if (tag === 0x21) throw new DlmsError('ciphering_unsupported', 'glo-initiateRequest');
  if (tag !== 0x01) throw new DlmsError('tag_unknown', `user-information tag 0x${tag.toString(16)}`);
  optional(ui, -1, 'dedicated-key');
  optional(ui, 1, 'response-allowed');
  optional(ui, 1, 'proposed-quality-of-service');
  const dlmsVersion = ui.u8('dlms version');
  const conf = conformance(ui);
  const maxReceivePdu = ui.u16('client max receive pdu');
  const password = inner(f.get(0xac), 0x80, 'calling-authentication-value');
  const title = inner(f.get(0xa6), 0x04, 'calling-AP-title');
  return { tag: 'aarq', context: ctx, mechanism: mech, password, callingApTitle: title, initiate: { dlmsVersion, conformance: conf, maxReceivePdu } };
}

export function decodeAare(r: ByteReader): Aare {
  const f = fields(r);
  const ctx = context(f.get(0xa1));
  const result = inner(f.get(0xa2), 0x02, 'association result');
  if (!result || result.length !== 1) throw new DlmsError('value_invalid', 'AARE without result');
  const diagField = f.get(0xa3);
  if (!diagField || diagField.length < 5) throw new DlmsError('value_invalid', 'AARE without result-source-diagnostic');
  const diag = inner(diagField.subarray(2), 0x02, 'diagnostic');
  const aare: Aare = {
    tag: 'aare',
    context: ctx,
    result: result[0],
    diagnostic: { source: diagField[0] === 0xa2 ? 'provider' : 'user', value: diag?.[0] ?? 0 },
    mechanism: mechanism(f.get(0x89)),
    respondingApTitle: inner(f.get(0xa4), 0x04, 'responding-AP-title'),
  };
  const ui = userInformation(f.get(0xbe));
  if (ui) {
    const tag = ui.u8('initiate tag');
    if (tag === 0x28) throw new DlmsError('ciphering_unsupported', 'glo-initiateResponse: the meter answers ciphered');
    if (tag === 0x0e) aare.initiateError = { service: ui.u8(), kind: ui.u8(), value: ui.u8() };
    else if (tag === 0x08) {
      optional(ui, 1, 'negotiated-quality-of-service');
      const dlmsVersion = ui.u8('dlms version');
      const conf = conformance(ui);
      aare.initiate = { dlmsVersion, conformance: conf, maxReceivePdu: ui.u16('server max receive pdu'), vaaName: ui.u16('vaa-name') };
    } else throw new DlmsError('tag_unknown', `user-information tag 0x${tag.toString(16)}`);
  }
  if (ctx.endsWith('ciphered') && aare.result === 0) throw new DlmsError('ciphering_unsupported', `the meter accepted the ${ctx} context`);
  return aare;
}

export function decodeRelease(r: ByteReader, tag: 'rlrq' | 'rlre'): Rlrq | Rlre {
  const reason = fields(r).get(0x80); // [0] IMPLICIT reason: its value bytes directly
  return { tag, reason: reason?.length ? reason[0] : undefined };
}
