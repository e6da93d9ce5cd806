/**
 * A DLMS/COSEM gas meter on a real TCP socket (IEC 62056-47 wrapper), for tests, demos and trying a meter model
 * before a field device exists. It answers AARQ (lowest or LLS password), GET (normal, with list, block transfer when
 * an answer exceeds the client's PDU size), SET, ACTION and RLRQ, and pushes DataNotifications to a receiver.
 *
 * Objects (the 'generic-gas' model of collectors/dlms):
 *   0.0.42.0.0.255  Data 1       logical device name (octet-string), also the first element of each push
 *   0.0.1.0.0.255   Clock 8      attr 2 time (settable: clock sync), attr 3 time_zone
 *   7.0.3.0.0.255   Register 3   volume index, uint32 litres, scaler_unit (-3, m3): grows hour by hour
 *   7.0.41.0.0.255  Register 3   temperature, int16, (-2, °C);  7.0.42.0.0.255 pressure, uint16, (-3, bar)
 *   7.0.99.99.0.255 Profile 7    hourly load profile: clock, AMR status, volume index; range_descriptor reads
 *   0.0.96.3.10.255 Disconnect 70  methods 1 remote_disconnect (valve closed), 2 remote_reconnect (valve open)
 * The profile is a pure function of time (consumptionLitres), so a test can compute exactly what must be stored.
 */
import net from 'node:net';
import {
  CLASS, WELL_KNOWN, captureObjectData, decodeApdu, encodeApdu, encodeData, encodeDateTime, encodeWrapper, instantOf, parseRangeDescriptor, scalerUnitData,
  WrapperReassembler, type Apdu, type AttributeRequest, type DlmsData, type GetResult,
} from '../collectors/dlms/index.ts';
import { freePort } from '../platform/net.ts';

export type DlmsEmulatorMode = 'normal' | 'dead';
const HOUR = 3_600_000;
export const DLMS_EMULATOR_PROFILE = '7.0.99.99.0.255';

export interface DlmsEmulatorOptions {
  port?: number; // 0 (default): any free port
  host?: string;
  serverSap?: number; // logical device (wrapper wPort), default 1
  password?: string; // LLS password; unset accepts lowest-level security only
  logicalDeviceName?: string; // default 'ABN' + port
  startLitres?: number; // index at the first profile row
  profileHours?: number; // hours of history the profile holds (default 48)
  maxPdu?: number; // the emulator's own max receive PDU
  nullClocks?: boolean; // compress the profile: null-data clock after a row's first (Blue Book allows it)
  deviation?: number; // deviation of the date-times it sends (standard sign, minutes), default 0
  clockSkewMs?: number; // how far the meter's clock is off at start (a clock sync sets it right)
}

export interface ProfileRow {
  ts: number;
  volumeLitres: number;
  status: number;
}

export interface DlmsEmulator {
  host: string;
  port: number;
  logicalDeviceName: string;
  setMode(mode: DlmsEmulatorMode): void;
  profile(from?: number, to?: number): ProfileRow[];
  valve(): 'open' | 'closed';
  clockOffsetMs(): number;
  requests(): { apdus: number; associations: number; refused: number };
  push(host: string, port: number, opts?: { from?: number; to?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** Litres used in the hour starting at `hourStart`: a daily shape, deterministic. */
export function consumptionLitres(hourStart: number): number {
  const h = new Date(hourStart).getUTCHours();
  return 40 + ((h * 37) % 23) * 5 + (h >= 6 && h <= 9 ? 120 : 0);
}

export async function startDlmsEmulator(opts: DlmsEmulatorOptions = {}): Promise<DlmsEmulator> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port || (await freePort(host));
  const serverSap = opts.serverSap ?? 1;
  const ldn = opts.logicalDeviceName ?? `ABN${port}`;
  const first = Math.floor(Date.now() / HOUR) * HOUR - (opts.profileHours ?? 48) * HOUR;
  const startLitres = opts.startLitres ?? 1_234_567;
  const deviation = opts.deviation ?? 0;
  let mode: DlmsEmulatorMode = 'normal';
  let valveOpen = true;
  let clockOffset = opts.clockSkewMs ?? 0;
  const counts = { apdus: 0, associations: 0, refused: 0 };

  const rowsBetween = (from = first, to = Date.now() + clockOffset): ProfileRow[] => {
    const rows: ProfileRow[] = [];
    let litres = startLitres;
    for (let ts = first; ts <= to; ts += HOUR) {
      if (ts >= from) rows.push({ ts, volumeLitres: litres, status: 0 });
      litres += consumptionLitres(ts);
    }
    return rows;
  };
  const volumeNow = () => rowsBetween().at(-1)!.volumeLitres;
  const buffer = (rows: ProfileRow[]): DlmsData => ({
    type: 'array',
    items: rows.map((r, i) => ({
      type: 'structure',
      items: [opts.nullClocks && i > 0 ? { type: 'null' } : { type: 'octet-string', value: encodeDateTime(r.ts, deviation) }, { type: 'uint8', value: r.status }, { type: 'uint32', value: r.volumeLitres }],
    })),
  });
  const profileColumns: DlmsData = {
    type: 'array',
    items: [
      captureObjectData({ classId: CLASS.clock, obis: WELL_KNOWN.clock, attribute: 2, dataIndex: 0 }),
      captureObjectData({ classId: CLASS.data, obis: WELL_KNOWN.amrProfileStatus, attribute: 2, dataIndex: 0 }),
      captureObjectData({ classId: CLASS.register, obis: '7.0.3.0.0.255', attribute: 2, dataIndex: 0 }),
    ],
  };
  const ok = (data: DlmsData): GetResult => ({ ok: true, data });
  const refuse = (dar: number): GetResult => ({ ok: false, dar });

  const read = ({ attribute: a, access }: AttributeRequest): GetResult => {
    const key = `${a.classId}/${a.obis}/${a.attribute}`;
    switch (key) {
      case `1/${WELL_KNOWN.logicalDeviceName}/2`:
        return ok({ type: 'octet-string', value: Buffer.from(ldn, 'latin1') });
      case `8/${WELL_KNOWN.clock}/2`:
        return ok({ type: 'octet-string', value: encodeDateTime(Date.now() + clockOffset, deviation) });
      case `8/${WELL_KNOWN.clock}/3`:
        return ok({ type: 'int16', value: deviation });
      case '3/7.0.3.0.0.255/2':
        return ok({ type: 'uint32', value: volumeNow() });
      case '3/7.0.3.0.0.255/3':
        return ok(scalerUnitData({ scaler: -3, unit: 13 }));
      case '3/7.0.41.0.0.255/2':
        return ok({ type: 'int16', value: 1200 });
      case '3/7.0.41.0.0.255/3':
        return ok(scalerUnitData({ scaler: -2, unit: 9 }));
      case '3/7.0.42.0.0.255/2':
        return ok({ type: 'uint16', value: 21 });
      case '3/7.0.42.0.0.255/3':
        return ok(scalerUnitData({ scaler: -3, unit: 24 }));
      case `7/${DLMS_EMULATOR_PROFILE}/2`: {
        if (!access) return ok(buffer(rowsBetween()));
        try {
          const range = parseRangeDescriptor(access);
          return ok(buffer(rowsBetween(range.from, range.to)));
        } catch {
          return refuse(250);
        }
      }
      case `7/${DLMS_EMULATOR_PROFILE}/3`:
        return ok(profileColumns);
      case `7/${DLMS_EMULATOR_PROFILE}/4`:
        return ok({ type: 'uint32', value: 3600 });
      case `70/${WELL_KNOWN.disconnectControl}/2`:
        return ok({ type: 'boolean', value: valveOpen });
      case `70/${WELL_KNOWN.disconnectControl}/3`:
        return ok({ type: 'enum', value: valveOpen ? 1 : 0 });
      default:
        return refuse(4); // object-undefined
    }
  };

  /** One connection: its own association state and pending block transfer. */
  const session = (socket: net.Socket) => {
    const reassembler = new WrapperReassembler();
    let associated = false;
    let clientMaxPdu = 0xffff;
    let blocks: { invoke: number; parts: Buffer[] } | undefined;
    const send = (apdu: Apdu, clientSap: number) => socket.write(encodeWrapper({ source: serverSap, destination: clientSap, apdu: encodeApdu(apdu) }));
    /** A GET answer: whole when it fits the client's PDU size, else the first of its blocks. */
    const answer = (invoke: number, whole: Apdu, data: Buffer, clientSap: number) => {
      if (encodeApdu(whole).length <= clientMaxPdu) return send(whole, clientSap);
      const size = Math.max(16, clientMaxPdu - 16);
      const parts: Buffer[] = [];
      for (let at = 0; at < data.length; at += size) parts.push(data.subarray(at, at + size));
      blocks = { invoke, parts };
      send({ tag: 'get-response-with-datablock', invoke, last: parts.length === 1, block: 1, raw: parts[0] }, clientSap);
    };
    const handle = (apdu: Apdu, clientSap: number) => {
      if (apdu.tag === 'aarq') {
        counts.associations++;
        const good = opts.password === undefined ? apdu.mechanism === 'lowest' : apdu.mechanism === 'lls' && apdu.password?.toString('latin1') === opts.password;
        associated = good;
        clientMaxPdu = Math.min(apdu.initiate.maxReceivePdu || 0xffff, opts.maxPdu ?? 0xffff);
        if (!good) counts.refused++;
        return send({ tag: 'aare', context: 'ln', result: good ? 0 : 1, diagnostic: { source: 'user', value: good ? 0 : 13 }, mechanism: apdu.mechanism, initiate: { dlmsVersion: 6, conformance: 0x00501f, maxReceivePdu: opts.maxPdu ?? 1024, vaaName: 7 } }, clientSap);
      }
      if (apdu.tag === 'rlrq') return send({ tag: 'rlre', reason: 0 }, clientSap);
      if (!associated) return send({ tag: 'exception-response', stateError: 1, serviceError: 1 }, clientSap);
      if (apdu.tag === 'get-request-normal') {
        const result = read(apdu);
        return answer(apdu.invoke, { tag: 'get-response-normal', invoke: apdu.invoke, result }, result.ok ? encodeData(result.data) : Buffer.alloc(0), clientSap);
      }
      if (apdu.tag === 'get-request-with-list') {
        const results = apdu.items.map(read);
        const list = Buffer.concat([Buffer.from([results.length]), ...results.map((r) => (r.ok ? Buffer.concat([Buffer.from([0]), encodeData(r.data)]) : Buffer.from([1, r.dar])))]);
        return answer(apdu.invoke, { tag: 'get-response-with-list', invoke: apdu.invoke, results }, list, clientSap);
      }
      if (apdu.tag === 'get-request-next') {
        const next = blocks && blocks.invoke === apdu.invoke ? blocks.parts[apdu.block] : undefined;
        if (!next) return send({ tag: 'get-response-with-datablock', invoke: apdu.invoke, last: true, block: apdu.block + 1, raw: null, dar: 19 }, clientSap);
        return send({ tag: 'get-response-with-datablock', invoke: apdu.invoke, last: apdu.block + 1 === blocks!.parts.length, block: apdu.block + 1, raw: next }, clientSap);
      }
      if (apdu.tag === 'set-request-normal') {
        const a = apdu.attribute;
        const settable = a.classId === CLASS.clock && a.obis === WELL_KNOWN.clock && a.attribute === 2 && apdu.value.type === 'octet-string';
        if (settable) clockOffset = instantOf(apdu.value) - Date.now(); // the clock now reads what the head-end sent
        return send({ tag: 'set-response-normal', invoke: apdu.invoke, result: settable ? 0 : 3 }, clientSap);
      }
      if (apdu.tag === 'action-request-normal') {
        const m = apdu.method;
        const known = m.classId === CLASS.disconnectControl && m.obis === WELL_KNOWN.disconnectControl && (m.method === 1 || m.method === 2);
        if (known) valveOpen = m.method === 2;
        return send({ tag: 'action-response-normal', invoke: apdu.invoke, result: known ? 0 : 11 }, clientSap);
      }
      send({ tag: 'exception-response', stateError: 2, serviceError: 2 }, clientSap);
    };
    socket.on('data', (chunk) => {
      if (mode === 'dead') return; // received, never answered: a dropped radio link
      for (const frame of reassembler.push(chunk)) {
        counts.apdus++;
        try {
          handle(decodeApdu(frame.apdu), frame.source);
        } catch {
          send({ tag: 'exception-response', stateError: 2, serviceError: 3 }, frame.source);
        }
      }
    });
    socket.on('error', () => undefined);
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    session(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });

  let stopped: Promise<void> | undefined;
  return {
    host,
    port,
    logicalDeviceName: ldn,
    setMode: (m) => {
      mode = m;
    },
    profile: (from, to) => rowsBetween(from, to),
    valve: () => (valveOpen ? 'open' : 'closed'),
    clockOffsetMs: () => clockOffset,
    requests: () => ({ ...counts }),
    push: (toHost, toPort, range = {}) =>
      new Promise<void>((resolve, reject) => {
        const body: DlmsData = { type: 'structure', items: [{ type: 'octet-string', value: Buffer.from(ldn, 'latin1') }, buffer(rowsBetween(range.from, range.to))] };
        const apdu = encodeApdu({ tag: 'data-notification', longInvoke: 1, dateTime: encodeDateTime(Date.now(), deviation), body });
        const s = net.connect({ host: toHost, port: toPort }, () => s.end(encodeWrapper({ source: serverSap, destination: 0x66, apdu }), () => resolve()));
        s.on('error', reject);
      }),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}
