/**
 * xDLMS service APDUs with logical-name referencing (IEC 62056-5-3 / Green Book 9.3): GET (normal, next data block,
 * with list), SET and ACTION (normal), DataNotification (push), ExceptionResponse and ConfirmedServiceError. The
 * invoke-id-and-priority byte is kept whole (`invoke`): the client sets it, the meter echoes it, and a mismatch is how
 * a late answer to an abandoned request is recognised.
 */
import { ByteReader, ByteWriter } from './byte-reader.ts';
import { readData, type DecodeBudget } from './data-decode.ts';
import { writeData } from './data-encode.ts';
import type { DlmsData } from './data.ts';
import { DlmsError } from './errors.ts';
import { obisBytes, obisString } from './obis.ts';

export interface AttributeRef {
  classId: number;
  obis: string;
  attribute: number;
}
export interface MethodRef {
  classId: number;
  obis: string;
  method: number;
}
export interface AccessSelection {
  selector: number; // 1 range_descriptor, 2 entry_descriptor (Profile Generic)
  parameters: DlmsData;
}
export interface AttributeRequest {
  attribute: AttributeRef;
  access?: AccessSelection;
}

/** A GET result: the value, or the meter's data-access-result code. */
export type GetResult = { ok: true; data: DlmsData } | { ok: false; dar: number };

export type XdlmsApdu =
  | ({ tag: 'get-request-normal'; invoke: number } & AttributeRequest)
  | { tag: 'get-request-next'; invoke: number; block: number }
  | { tag: 'get-request-with-list'; invoke: number; items: AttributeRequest[] }
  | { tag: 'get-response-normal'; invoke: number; result: GetResult }
  | { tag: 'get-response-with-datablock'; invoke: number; last: boolean; block: number; raw: Buffer | null; dar?: number }
  | { tag: 'get-response-with-list'; invoke: number; results: GetResult[] }
  | ({ tag: 'set-request-normal'; invoke: number; value: DlmsData } & AttributeRequest)
  | { tag: 'set-response-normal'; invoke: number; result: number }
  | { tag: 'action-request-normal'; invoke: number; method: MethodRef; parameters?: DlmsData }
  | { tag: 'action-response-normal'; invoke: number; result: number; returned?: GetResult }
  | { tag: 'data-notification'; longInvoke: number; dateTime: Buffer | null; body: DlmsData }
  | { tag: 'exception-response'; stateError: number; serviceError: number; invocationCounter?: number }
  | { tag: 'confirmed-service-error'; service: number; kind: number; value: number };

/** data-access-result names (Green Book), for errors an operator can read. */
export const DATA_ACCESS_RESULTS: Record<number, string> = {
  0: 'success',
  1: 'hardware-fault',
  2: 'temporary-failure',
  3: 'read-write-denied',
  4: 'object-undefined',
  9: 'object-class-inconsistent',
  11: 'object-unavailable',
  12: 'type-unmatched',
  13: 'scope-of-access-violated',
  14: 'data-block-unavailable',
  15: 'long-get-aborted',
  16: 'no-long-get-in-progress',
  17: 'long-set-aborted',
  18: 'no-long-set-in-progress',
  19: 'data-block-number-invalid',
  250: 'other-reason',
};
export const EXCEPTION_SERVICE_ERRORS: Record<number, string> = {
  1: 'operation-not-possible',
  2: 'service-not-supported',
  3: 'other-reason',
  4: 'pdu-too-long',
  5: 'deciphering-error',
  6: 'invocation-counter-error',
};

export function darName(code: number): string {
  return `${DATA_ACCESS_RESULTS[code] ?? 'unknown'} (${code})`;
}

function writeAttribute(w: ByteWriter, a: AttributeRef): void {
  w.u16(a.classId).bytes(obisBytes(a.obis)).with(1, (b, at) => b.writeInt8(a.attribute, at));
}

function writeAccess(w: ByteWriter, access: AccessSelection | undefined): void {
  if (!access) w.u8(0);
  else {
    w.u8(1).u8(access.selector);
    writeData(w, access.parameters);
  }
}

function writeResult(w: ByteWriter, r: GetResult): void {
  if (r.ok) {
    w.u8(0);
    writeData(w, r.data);
  } else w.u8(1).u8(r.dar);
}

export function encodeXdlms(a: XdlmsApdu): Buffer {
  const w = new ByteWriter();
  switch (a.tag) {
    case 'get-request-normal':
      w.u8(0xc0).u8(1).u8(a.invoke);
      writeAttribute(w, a.attribute);
      writeAccess(w, a.access);
      break;
    case 'get-request-next':
      w.u8(0xc0).u8(2).u8(a.invoke).u32(a.block);
      break;
    case 'get-request-with-list':
      w.u8(0xc0).u8(3).u8(a.invoke).length(a.items.length);
      for (const item of a.items) {
        writeAttribute(w, item.attribute);
        writeAccess(w, item.access);
      }
      break;
    case 'get-response-normal':
      w.u8(0xc4).u8(1).u8(a.invoke);
      writeResult(w, a.result);
      break;
    case 'get-response-with-datablock':
      w.u8(0xc4).u8(2).u8(a.invoke).u8(a.last ? 1 : 0).u32(a.block);
      if (a.raw) w.u8(0).length(a.raw.length).bytes(a.raw);
      else w.u8(1).u8(a.dar ?? 250);
      break;
    case 'get-response-with-list':
      w.u8(0xc4).u8(3).u8(a.invoke).length(a.results.length);
      for (const r of a.results) writeResult(w, r);
      break;
    case 'set-request-normal':
      w.u8(0xc1).u8(1).u8(a.invoke);
      writeAttribute(w, a.attribute);
      writeAccess(w, a.access);
      writeData(w, a.value);
      break;
    case 'set-response-normal':
      w.u8(0xc5).u8(1).u8(a.invoke).u8(a.result);
      break;
    case 'action-request-normal':
      w.u8(0xc3).u8(1).u8(a.invoke).u16(a.method.classId).bytes(obisBytes(a.method.obis)).with(1, (b, at) => b.writeInt8(a.method.method, at));
      if (a.parameters) {
        w.u8(1);
        writeData(w, a.parameters);
      } else w.u8(0);
      break;
    case 'action-response-normal':
      w.u8(0xc7).u8(1).u8(a.invoke).u8(a.result);
      if (a.returned) {
        w.u8(1);
        writeResult(w, a.returned);
      } else w.u8(0);
      break;
    case 'data-notification':
      w.u8(0x0f).u32(a.longInvoke);
      if (a.dateTime) w.u8(12).bytes(a.dateTime);
      else w.u8(0);
      writeData(w, a.body);
      break;
    case 'exception-response':
      w.u8(0xd8).u8(a.stateError).u8(a.serviceError);
      if (a.serviceError === 6) w.u32(a.invocationCounter ?? 0);
      break;
    case 'confirmed-service-error':
      w.u8(0x0e).u8(a.service).u8(a.kind).u8(a.value);
      break;
  }
  return w.done();
}

function readAttribute(r: ByteReader): AttributeRef {
  const classId = r.u16('class id');
  const obis = obisString(r.bytes(6, 'instance id'));
  return { classId, obis, attribute: r.fixed(1, (b, at) => b.readInt8(at), 'attribute id') };
}

function readAccess(r: ByteReader, budget: DecodeBudget): AccessSelection | undefined {
  const present = r.u8('access selection flag');
  if (present === 0) return undefined;
  if (present !== 1) throw new DlmsError('value_invalid', `access selection flag ${present}`);
  return { selector: r.u8('access selector'), parameters: readData(r, budget, 0) };
}

function readResult(r: ByteReader, budget: DecodeBudget): GetResult {
  const choice = r.u8('get data result');
  if (choice === 0) return { ok: true, data: readData(r, budget, 0) };
  if (choice === 1) return { ok: false, dar: r.u8('data access result') };
  throw new DlmsError('tag_unknown', `Get-Data-Result choice ${choice}`);
}

/** Decodes an xDLMS APDU whose tag byte `tag` was just read from `r`. */
export function decodeXdlms(tag: number, r: ByteReader, budget: DecodeBudget): XdlmsApdu {
  if (tag === 0x0f) {
    const longInvoke = r.u32('long-invoke-id-and-priority');
    const dtLen = r.u8('date-time length');
    if (dtLen !== 0 && dtLen !== 12) throw new DlmsError('length_invalid', `DataNotification date-time of ${dtLen} octets`);
    const dateTime = dtLen ? r.bytes(12, 'date-time') : null;
    return { tag: 'data-notification', longInvoke, dateTime, body: readData(r, budget, 0) };
  }
  if (tag === 0xd8) {
    const stateError = r.u8('state-error');
    const serviceError = r.u8('service-error');
    return { tag: 'exception-response', stateError, serviceError, invocationCounter: serviceError === 6 && r.remaining >= 4 ? r.u32() : undefined };
  }
  if (tag === 0x0e) return { tag: 'confirmed-service-error', service: r.u8('service'), kind: r.u8('service error'), value: r.u8('service error value') };
  const type = r.u8('service type');
  const invoke = r.u8('invoke-id-and-priority');
  const key = (tag << 8) | type;
  switch (key) {
    case 0xc001:
      return { tag: 'get-request-normal', invoke, attribute: readAttribute(r), access: readAccess(r, budget) };
    case 0xc002:
      return { tag: 'get-request-next', invoke, block: r.u32('block number') };
    case 0xc003: {
      const n = r.length('attribute list count');
      if (n * 10 > r.remaining) throw new DlmsError('truncated', `list of ${n} attributes but ${r.remaining} bytes left`);
      budget.count(n);
      const items: AttributeRequest[] = [];
      for (let i = 0; i < n; i++) items.push({ attribute: readAttribute(r), access: readAccess(r, budget) });
      return { tag: 'get-request-with-list', invoke, items };
    }
    case 0xc401:
      return { tag: 'get-response-normal', invoke, result: readResult(r, budget) };
    case 0xc402: {
      const last = r.u8('last-block') !== 0;
      const block = r.u32('block number');
      const choice = r.u8('raw-data choice');
      if (choice === 0) return { tag: 'get-response-with-datablock', invoke, last, block, raw: r.bytes(r.boundedLength('raw-data length'), 'raw-data') };
      if (choice === 1) return { tag: 'get-response-with-datablock', invoke, last, block, raw: null, dar: r.u8('data access result') };
      throw new DlmsError('tag_unknown', `DataBlock-G result choice ${choice}`);
    }
    case 0xc403: {
      const n = r.length('result list count');
      if (n > r.remaining) throw new DlmsError('truncated', `list of ${n} results but ${r.remaining} bytes left`);
      const results: GetResult[] = [];
      for (let i = 0; i < n; i++) results.push(readResult(r, budget));
      return { tag: 'get-response-with-list', invoke, results };
    }
    case 0xc101: {
      const attribute = readAttribute(r);
      const access = readAccess(r, budget);
      return { tag: 'set-request-normal', invoke, attribute, access, value: readData(r, budget, 0) };
    }
    case 0xc501:
      return { tag: 'set-response-normal', invoke, result: r.u8('set result') };
    case 0xc301: {
      const classId = r.u16('class id');
      const obis = obisString(r.bytes(6, 'instance id'));
      const method = r.fixed(1, (b, at) => b.readInt8(at), 'method id');
      const present = r.u8('parameters flag');
      return { tag: 'action-request-normal', invoke, method: { classId, obis, method }, parameters: present ? readData(r, budget, 0) : undefined };
    }
    case 0xc701: {
      const result = r.u8('action result');
      const present = r.u8('return parameters flag');
      return { tag: 'action-response-normal', invoke, result, returned: present ? readResult(r, budget) : undefined };
    }
  }
  throw new DlmsError('tag_unknown', `xDLMS service 0x${tag.toString(16)} type ${type} is not supported`);
}
