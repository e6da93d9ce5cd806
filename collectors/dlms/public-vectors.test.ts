/**
 * APDUs and frames published by others, decoded (and, where we encode the same thing, re-encoded byte for byte).
 * Each vector names its source. Sources:
 *  [KMETHY]  "Examples for DLMS/COSEM information exchange", prepared by Gyozo Kmethy, DLMS UA FAQ
 *            ("Are examples for information exchange available?"), sections 1 (SNRM/UA) and 2 (AARQ).
 *  [GURUX-F] Gurux forum threads: "I got AARQ failed" (gurux.fi/comment/11504, a Gurux.DLMS.cpp client trace),
 *            "DLMS (HDLC) Packet Description needs" (gurux.fi/node/20546), "what these three bytes represent"
 *            (gurux.fi/comment/10430), "Decoding of AARQ packet byte by byte" (gurux.fi/node/24607).
 *  [U9N]     The open-source Python library dlms-cosem (github.com/u9n/dlms-cosem), its test suite:
 *            tests/test_xdlms/test_get.py, test_action.py, test_data_notification.py, test_selective_access.py,
 *            tests/test_asce/test_aare.py (the AARE vectors there are marked "Example encodings from DLMS Green book").
 * Not found publicly (so not here, and tested by round trip and by the emulator instead): a TCP wrapper frame with
 * comments, a compact-array, an ExceptionResponse and a SET.response.
 */
import assert from 'node:assert/strict';
import { decodeApdu, decodeData, decodeDateTime, dateTimeToInstant, decodeHdlc, encodeApdu, HDLC_CONTROL, rangeDescriptor, type Apdu } from './index.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const roundTrip = (h: string): Apdu => {
  const apdu = decodeApdu(hex(h));
  assert.equal(encodeApdu(apdu).toString('hex'), hex(h).toString('hex'), `re-encoding ${apdu.tag}`);
  return apdu;
};

describe('DLMS public vectors', () => {
  describe('HDLC frames (HCS and FCS verified)', () => {
    it('[KMETHY] SNRM to a 4-byte server address and its UA with negotiated parameters', () => {
      const snrm = decodeHdlc(hex('7EA00A00020023219318717E'));
      assert.deepEqual(snrm.destination, { upper: 1, lower: 0x11, size: 4 }); // "upper HDLC address 0x0001, lower 0x0011"
      assert.equal(snrm.control, HDLC_CONTROL.SNRM);
      const ua = decodeHdlc(hex('7EA023210002002373F6C58180140502008006020080070400000001080400000001CE6A7E'));
      assert.equal(ua.control, HDLC_CONTROL.UA);
      assert.equal(ua.info.toString('hex'), '8180140502008006020080070400000001080400000001');
    });

    it('[KMETHY] an I-frame carrying the AARQ (LLC E6 E6 00, lowest-level security)', () => {
      const f = decodeHdlc(hex('7EA02E0002002321107ECBE6E600601DA109060760857405080101BE10040E01000000065F1F040000301DFFFFD4C57E'));
      assert.equal(f.info.subarray(0, 3).toString('hex'), 'e6e600');
      const aarq = decodeApdu(f.info.subarray(3));
      assert.equal(aarq.tag, 'aarq');
      if (aarq.tag !== 'aarq') return;
      assert.equal(aarq.context, 'ln');
      assert.equal(aarq.mechanism, 'lowest');
      assert.deepEqual(aarq.initiate, { dlmsVersion: 6, conformance: 0x00301d, maxReceivePdu: 0xffff });
    });

    it('[GURUX-F] a Gurux.DLMS.cpp trace: SNRM, UA, AARQ I-frame and the meter\'s FRMR', () => {
      assert.equal(decodeHdlc(hex('7EA0070321930F017E')).control, HDLC_CONTROL.SNRM);
      assert.equal(decodeHdlc(hex('7EA00721037301407E')).control, HDLC_CONTROL.UA);
      const aarq = decodeHdlc(hex('7EA02B032110FBAFE6E600601DA109060760857405080101BE10040E01000000065F1F0400001E1DFFFFC5E47E'));
      assert.equal(decodeApdu(aarq.info.subarray(3)).tag, 'aarq');
      const frmr = decodeHdlc(hex('7EA00C2103973E211000016B5B7E'));
      assert.equal(frmr.control, HDLC_CONTROL.FRMR);
    });

    it('[GURUX-F] GET of the Association LN object and a SET.request with an array, inside I-frames', () => {
      const get = decodeHdlc(hex('7EA0190341B23239E6E600C001C1000F0000280000FF0100F9797E'));
      assert.deepEqual(decodeApdu(get.info.subarray(3)), { tag: 'get-request-normal', invoke: 0xc1, attribute: { classId: 15, obis: '0.0.40.0.0.255', attribute: 1 }, access: undefined });
      const set = decodeHdlc(hex('7EA02A03615406F1E6E600C101C1001600000F0000FF0400010102020904100A27FF090507E10406FF56D97E'));
      const apdu = decodeApdu(set.info.subarray(3));
      assert.equal(apdu.tag, 'set-request-normal');
      if (apdu.tag !== 'set-request-normal') return;
      assert.deepEqual(apdu.attribute, { classId: 22, obis: '0.0.15.0.0.255', attribute: 4 });
      assert.equal(apdu.value.type, 'array');
    });

    it('refuses the same frames with one bit flipped', () => {
      const good = hex('7EA0190341B23239E6E600C001C1000F0000280000FF0100F9797E');
      for (const at of [4, 10, 20]) {
        const bad = Buffer.from(good);
        bad[at] ^= 0x01;
        assert.throws(() => decodeHdlc(bad), { reason: 'checksum_invalid' });
      }
    });
  });

  describe('xDLMS APDUs', () => {
    it('[U9N test_get.py] GET.request normal, next, with list; GET.response normal and with error', () => {
      assert.deepEqual(roundTrip('C001C1000100002B0100FF0200'), { tag: 'get-request-normal', invoke: 0xc1, attribute: { classId: 1, obis: '0.0.43.1.0.255', attribute: 2 }, access: undefined });
      assert.deepEqual(roundTrip('C002C100000001'), { tag: 'get-request-next', invoke: 0xc1, block: 1 });
      const list = roundTrip('C003C102000100002A0000FF02000008000001 0000FF0200');
      assert.equal(list.tag === 'get-request-with-list' && list.items.map((i) => i.attribute.obis).join(' '), '0.0.42.0.0.255 0.0.1.0.0.255');
      assert.deepEqual(roundTrip('C401C1000600001391'), { tag: 'get-response-normal', invoke: 0xc1, result: { ok: true, data: { type: 'uint32', value: 5009 } } });
      assert.deepEqual(roundTrip('C401C10101'), { tag: 'get-response-normal', invoke: 0xc1, result: { ok: false, dar: 1 } });
    });

    it('[U9N test_get.py] the header of a GET.response with data block (block 1 of a load profile)', () => {
      // The published vector is 1,182 bytes of raw data; its first bytes: not last, block 1, raw-data, length 0x049E.
      const head = hex('C402C10000000001 00 82049E');
      const body = Buffer.alloc(0x049e, 0x00);
      const apdu = decodeApdu(Buffer.concat([head, body]));
      assert.equal(apdu.tag, 'get-response-with-datablock');
      if (apdu.tag !== 'get-response-with-datablock') return;
      assert.deepEqual([apdu.last, apdu.block, apdu.raw?.length], [false, 1, 1182]);
      assert.throws(() => decodeApdu(Buffer.concat([head, body.subarray(1)])), { reason: 'truncated' });
    });

    it('[U9N test_selective_access.py] a Profile Generic GET with range_descriptor (clock from/to, all columns)', () => {
      const h = 'C001C1000701006301 00FF0201010204020412000809060000010000FF0F02120000090C07E10A0107000000 00FFC480090C07E10A0107010000 00FFC4800100';
      const apdu = roundTrip(h);
      assert.equal(apdu.tag, 'get-request-normal');
      if (apdu.tag !== 'get-request-normal') return;
      assert.deepEqual(apdu.attribute, { classId: 7, obis: '1.0.99.1.0.255', attribute: 2 });
      assert.equal(apdu.access?.selector, 1);
      const from = (apdu.access!.parameters as { items: Array<{ value: Buffer }> }).items[1].value;
      const dt = decodeDateTime(from);
      // 2017-10-01 00:00 local, deviation -60 (UTC = local - 60 min: CET), clock status 0x80 (daylight saving active)
      assert.deepEqual([dt.year, dt.month, dt.day, dt.hour, dt.deviation, dt.status], [2017, 10, 1, 0, -60, 0x80]);
      assert.equal(new Date(dateTimeToInstant(dt)).toISOString(), '2017-09-30T23:00:00.000Z');
    });

    it('[U9N test_selective_access.py] our range_descriptor encodes like theirs for the same instants', () => {
      // Theirs: from 2020-01-01T00:03:00+02:00 (deviation 0xFF88 = -120), to 2020-01-06T00:03:00+01:00 (0xFFC4).
      const theirs = hex('0204020412000809060000010000FF0F02120000 090C07E40101FF000300 00FF8800 090C07E40106FF000300 00FFC400 0100');
      const ours = rangeDescriptor(Date.parse('2020-01-01T00:03:00+02:00'), Date.parse('2020-01-06T00:03:00+01:00'), 0);
      const decoded = decodeData(theirs);
      assert.equal(decoded.type, 'structure');
      if (decoded.type !== 'structure' || ours.parameters.type !== 'structure') return;
      // Same instants whatever the deviation each side chose:
      const instant = (v: unknown) => dateTimeToInstant(decodeDateTime((v as { value: Buffer }).value));
      assert.equal(instant(ours.parameters.items[1]), instant(decoded.items[1]));
      assert.equal(instant(ours.parameters.items[2]), instant(decoded.items[2]));
    });

    it('[U9N test_action.py] ACTION.request with and without parameters; ACTION.response plain, with data, with error', () => {
      const req = roundTrip('C301C0000F0000280000FF0101091110 00001A90E6D2221FA2FD85EED61ACC22');
      assert.equal(req.tag === 'action-request-normal' && req.method.obis, '0.0.40.0.0.255');
      roundTrip('C301C0000F0000280000FF0100');
      assert.deepEqual(roundTrip('C701C00000'), { tag: 'action-response-normal', invoke: 0xc0, result: 0, returned: undefined });
      const withData = roundTrip('C701C0000100091110 00001AFDE8857B728A3499106AA665D1');
      assert.equal(withData.tag === 'action-response-normal' && withData.returned?.ok, true);
      assert.deepEqual(roundTrip('C701C0000101FA'), { tag: 'action-response-normal', invoke: 0xc0, result: 0, returned: { ok: false, dar: 250 } });
    });

    it('[U9N test_data_notification.py] a DataNotification without date-time, body an octet-string', () => {
      const n = roundTrip('0F000001DB000922125A859136000000004900000011000000 0A5A8513D01480000000 0D0000000A0100');
      assert.equal(n.tag, 'data-notification');
      if (n.tag !== 'data-notification') return;
      assert.equal(n.longInvoke, 0x1db);
      assert.equal(n.dateTime, null);
      assert.equal(n.body.type === 'octet-string' && n.body.value.length, 34);
    });
  });

  describe('ACSE', () => {
    it('[U9N test_aare.py, Green Book examples] AARE accepted, rejected (context), rejected (DLMS version)', () => {
      const ok = roundTrip('6129A109060760857405080101A203020100A305A103020100BE10040E0800065F1F040000501F01F40007');
      assert.deepEqual(ok.tag === 'aare' && [ok.result, ok.diagnostic, ok.initiate], [0, { source: 'user', value: 0 }, { dlmsVersion: 6, conformance: 0x501f, maxReceivePdu: 500, vaaName: 7 }]);
      const ctx = roundTrip('6129A109060760857405080101A203020101A305A103020102BE10040E0800065F1F040000501F01F40007');
      assert.deepEqual(ctx.tag === 'aare' && [ctx.result, ctx.diagnostic.value], [1, 2]);
      const version = roundTrip('611FA109060760857405080101A203020101A305A103020101BE0604040E010601');
      assert.deepEqual(version.tag === 'aare' && version.initiateError, { service: 1, kind: 6, value: 1 }); // initiate: dlms-version-too-low
    });

    it('[U9N test_aare.py] AARE accepted with HLS-GMAC required (mechanism read, authentication value ignored)', () => {
      const a = decodeApdu(hex('6142A109060760857405080101A203020100A305A10302010E88020780890760857405080205AA0A8008503677524A323146BE10040E0800065F1F040000501F01F40007'));
      assert.deepEqual(a.tag === 'aare' && [a.mechanism, a.diagnostic.value], ['hls-gmac', 14]);
    });

    it('[GURUX-F node/24607] a ciphered LLS AARQ and AARE (glo-initiate) are refused as not supported yet', () => {
      const aarq = decodeHdlc(hex('7EA05F03411007E2E6E600605 1A109060760857405080103A60A040848504C373239 39388A0207808B0760857405080201AC128010313131313131313131313131313131 31BE17041521132000000001E9C531326076 62DC7A94A61439BFBEB57E'.replace(/ /g, '')));
      assert.throws(() => decodeApdu(aarq.info.subarray(3)), { reason: 'ciphering_unsupported', code: 'ABONE_ERR_DLMS_CIPHERING_UNSUPPORTED' });
      const aare = decodeHdlc(hex('7EA04A410330EBA8E6E700613CA109060760857405080103A203020100A305A103020100A40A0408 48504C000010F447BE17041528132000000000830705F03594EEE1A96C27CCA051765F7E'.replace(/ /g, '')));
      assert.throws(() => decodeApdu(aare.info.subarray(3)), { reason: 'ciphering_unsupported' });
    });
  });
});
