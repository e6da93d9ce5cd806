/**
 * Fuzzing every parser with 1,000,000 mutated frames: truncations, wrong length fields, nested depth bombs, flipped
 * bits (bad FCS/HCS), spliced and random bytes, built from valid wrapper and HDLC frames of every APDU the collector
 * meets. Each frame must decode or fail with a DlmsError carrying a known reason: any other exception (a RangeError,
 * a TypeError, a stack overflow) fails the test, so does a hang (mocha's timeout), and the heap is checked along the way.
 * The push path (`notificationMessage`, what a hostile meter reaches first) gets 100,000 of its own and must never throw.
 */
import assert from 'node:assert/strict';
import {
  DLMS_ERROR_REASONS, DlmsError, checkDevices, decodeApdu, decodeHdlc, decodeWrapper, encodeApdu, encodeDateTime, encodeHdlc, encodeWrapper,
  HdlcReassembler, notificationMessage, rangeDescriptor, WrapperReassembler, type Apdu, type DlmsData,
} from './index.ts';
import { mulberry32 } from '../../simulators/index.ts';

const FRAMES = 1_000_000;
const rnd = mulberry32(4059);
const int = (n: number) => Math.floor(rnd() * n);

const row = (i: number): DlmsData => ({ type: 'structure', items: [i ? { type: 'null' } : { type: 'octet-string', value: encodeDateTime(Date.UTC(2026, 5, 1, i)) }, { type: 'uint8', value: 0 }, { type: 'uint32', value: 1000 + i }] });
const profile: DlmsData = { type: 'array', items: Array.from({ length: 24 }, (_, i) => row(i)) };
const SEEDS: Apdu[] = [
  { tag: 'aarq', context: 'ln', mechanism: 'lls', password: Buffer.from('12345678'), initiate: { dlmsVersion: 6, conformance: 0x7e1f, maxReceivePdu: 1024 } },
  { tag: 'aare', context: 'ln', result: 0, diagnostic: { source: 'user', value: 0 }, mechanism: 'lls', initiate: { dlmsVersion: 6, conformance: 0x501f, maxReceivePdu: 500, vaaName: 7 } },
  { tag: 'rlrq', reason: 0 },
  { tag: 'get-request-normal', invoke: 0xc1, attribute: { classId: 7, obis: '7.0.99.99.0.255', attribute: 2 }, access: rangeDescriptor(0, 3_600_000) },
  { tag: 'get-request-with-list', invoke: 0xc2, items: [{ attribute: { classId: 3, obis: '7.0.3.0.0.255', attribute: 2 } }, { attribute: { classId: 3, obis: '7.0.3.0.0.255', attribute: 3 } }] },
  { tag: 'get-response-normal', invoke: 0xc1, result: { ok: true, data: profile } },
  { tag: 'get-response-with-list', invoke: 0xc2, results: [{ ok: true, data: { type: 'uint32', value: 5 } }, { ok: false, dar: 4 }] },
  { tag: 'get-response-with-datablock', invoke: 0xc1, last: false, block: 1, raw: Buffer.alloc(64, 2) },
  { tag: 'set-request-normal', invoke: 0xc1, attribute: { classId: 8, obis: '0.0.1.0.0.255', attribute: 2 }, value: { type: 'octet-string', value: encodeDateTime(0) } },
  { tag: 'action-response-normal', invoke: 0xc1, result: 0, returned: { ok: true, data: { type: 'compact-array', description: { type: 'structure', elements: [{ type: 'uint16' }, { type: 'int8' }] }, items: [{ type: 'structure', items: [{ type: 'uint16', value: 1 }, { type: 'int8', value: -3 }] }] } } },
  { tag: 'data-notification', longInvoke: 1, dateTime: encodeDateTime(Date.UTC(2026, 5, 2)), body: { type: 'structure', items: [{ type: 'octet-string', value: Buffer.from('FUZZ1') }, profile] } },
  { tag: 'exception-response', stateError: 1, serviceError: 6, invocationCounter: 9 },
];
const APDUS = SEEDS.map(encodeApdu);
const WRAPPED = APDUS.map((apdu) => encodeWrapper({ source: 1, destination: 16, apdu }));
const HDLC = APDUS.filter((a) => a.length < 1800).map((apdu) => encodeHdlc({ segmented: false, destination: { upper: 16, size: 1 }, source: { upper: 1, lower: 17, size: 4 }, control: 0x10, info: Buffer.concat([Buffer.from([0xe6, 0xe7, 0x00]), apdu]) }));

function mutate(seed: Buffer): Buffer {
  const b = Buffer.from(seed);
  switch (int(8)) {
    case 0: // truncation
      return b.subarray(0, int(b.length));
    case 1: {
      // flipped bits (in HDLC: bad HCS/FCS)
      for (let k = 1 + int(4); k > 0; k--) b[int(b.length)] ^= 1 << int(8);
      return b;
    }
    case 2: {
      // a length field made large, small or long-form
      const at = int(b.length);
      b[at] = [0x00, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x85, 0xff][int(8)];
      return b;
    }
    case 3: {
      // a depth bomb spliced in: array of array of array ...
      const at = int(b.length);
      return Buffer.concat([b.subarray(0, at), Buffer.alloc(2 * (1 + int(400)), 0x01), b.subarray(at)]);
    }
    case 4: // random bytes
      return Buffer.from(Array.from({ length: int(80) }, () => int(256)));
    case 5: {
      // a random window overwritten
      const at = int(b.length);
      for (let i = at; i < Math.min(b.length, at + 1 + int(16)); i++) b[i] = int(256);
      return b;
    }
    case 6: {
      // splice two seeds
      const other = WRAPPED[int(WRAPPED.length)];
      return Buffer.concat([b.subarray(0, int(b.length)), other.subarray(int(other.length))]);
    }
    default: {
      // an element count made huge
      const at = int(Math.max(1, b.length - 4));
      b[at] = 0x82;
      b[at + 1] = 0xff;
      b[at + 2] = 0xff;
      return b;
    }
  }
}

function typed(err: unknown): void {
  if (!(err instanceof DlmsError) || !(err.reason in DLMS_ERROR_REASONS)) throw err;
}

describe('DLMS fuzz', function () {
  this.timeout(300_000);

  it(`decodes or refuses with a typed error ${FRAMES.toLocaleString('en')} mutated frames, in bounded memory`, () => {
    const reasons = new Map<string, number>();
    let decoded = 0;
    const heapAtStart = process.memoryUsage().heapUsed;
    let heapPeak = 0;
    const wrapperStream = new WrapperReassembler();
    const hdlcStream = new HdlcReassembler();
    for (let i = 0; i < FRAMES; i++) {
      const kind = i % 4;
      const seed = kind === 3 ? HDLC[int(HDLC.length)] : kind === 2 ? APDUS[int(APDUS.length)] : WRAPPED[int(WRAPPED.length)];
      const frame = mutate(seed);
      try {
        if (kind === 3) {
          const f = decodeHdlc(frame);
          if (f.info.length > 3) decodeApdu(f.info.subarray(3));
        } else if (kind === 2) decodeApdu(frame);
        else decodeApdu(decodeWrapper(frame).apdu);
        decoded++;
      } catch (err) {
        typed(err);
        reasons.set((err as DlmsError).reason, (reasons.get((err as DlmsError).reason) ?? 0) + 1);
      }
      // The stream reassemblers see the same bytes as a stream of arbitrary chunks.
      if (i % 8 === 0) {
        for (const f of wrapperStream.push(frame)) {
          try {
            decodeApdu(f.apdu);
          } catch (err) {
            typed(err);
          }
        }
        for (const e of hdlcStream.push(frame)) if ('error' in e) typed(e.error);
        assert.ok(wrapperStream.buffered <= 8 + 0xffff && hdlcStream.buffered <= 0x7ff + 2 + frame.length);
      }
      if (i % 100_000 === 0) heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    assert.ok(heapPeak - heapAtStart < 256 * 1024 * 1024, `heap grew ${Math.round((heapPeak - heapAtStart) / 1e6)} MB`);
    assert.ok(decoded > 1000, 'some mutations still decode');
    for (const r of ['truncated', 'depth_exceeded', 'length_invalid', 'checksum_invalid', 'tag_unknown']) assert.ok(reasons.get(r), `no ${r} seen: ${[...reasons.keys()]}`);
  });

  it('never throws from the push path: 100,000 mutated notifications become messages or rejections', () => {
    const devices = checkDevices([{ serial: 'FUZZ-1', protocol: 'dlms-push', logicalDeviceName: 'FUZZ1', model: 'generic-gas' }]);
    const knowledge = { scalers: new Map() };
    const notification = APDUS[SEEDS.findIndex((s) => s.tag === 'data-notification')];
    let stored = 0;
    for (let i = 0; i < 100_000; i++) {
      const m = notificationMessage(mutate(notification), '127.0.0.1:4059', { devices, knowledge: () => knowledge, decodeReason: 'schema_invalid' });
      assert.ok(m.rejection || m.envelopes.length >= 0);
      if (!m.rejection) stored++;
    }
    assert.ok(stored > 0);
  });
});
