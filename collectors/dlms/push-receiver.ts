/**
 * The push receiver: a TCP server (wrapper framing) to which meters send DataNotifications (Push Setup, class 40).
 * Each notification becomes one ingest message. The meter is identified by the logical device name that its push
 * object list sends first (0.0.42.0.0.255, as octet- or visible-string), else by its address when a configured meter
 * has that host; the rest of the body is read by the meter model's push object list. A notification that does not
 * decode, or names no known meter, becomes a rejection with its raw bytes.
 *
 * Per connection the socket is paused while a message is being stored (back-pressure to the meter), bytes that are
 * not frames are skipped (bounded, counted), idle connections are closed, and the number of connections is capped.
 */
import net from 'node:net';
import type { IngestMessage, RejectReason } from '../../headend/index.ts';
import { contextLogger } from '../../platform/logger.ts';
import { decodeApdu } from './apdu.ts';
import { instantOf, parseScalerUnit, profileRows } from './cosem.ts';
import type { DlmsData } from './data.ts';
import type { PushDevice } from './device.ts';
import { DlmsError } from './errors.ts';
import { CLASS } from './obis-channels.ts';
import type { PipelineSink } from './meter-poller.ts';
import type { MeterKnowledge } from './poll-cycle.ts';
import { columnRoles, profileReadings, registerReading, type Built, type ReadingContext } from './readings.ts';
import { WrapperReassembler } from './wrapper.ts';

const log = contextLogger('dlms');

export interface PushOptions {
  devices: readonly PushDevice[];
  knowledge: (serial: string) => MeterKnowledge;
  sink: PipelineSink;
  decodeReason: RejectReason;
  host: string;
  port: number;
  idleMs?: number;
  maxConnections?: number;
}

export interface PushStats {
  connections: number;
  notifications: number;
  rejected: number;
  skippedBytes: number;
}

export interface PushReceiver {
  port: number;
  stats(): PushStats;
  close(): Promise<void>;
}

/** Turns one DataNotification APDU into an ingest message; never throws for anything the bytes contain. */
export function notificationMessage(apdu: Buffer, from: string, opts: Pick<PushOptions, 'devices' | 'knowledge' | 'decodeReason'>, receivedAt = Date.now()): IngestMessage {
  const base = { source: 'dlms', topic: `dlms-push://${from}`, raw: apdu };
  const refuse = (reason: RejectReason, detail: string): IngestMessage => ({ ...base, envelopes: [], rejection: { reason, detail: detail.slice(0, 1000) } });
  try {
    const n = decodeApdu(apdu);
    if (n.tag !== 'data-notification') throw new DlmsError('unexpected_response', `a push must be a DataNotification, got ${n.tag}`);
    const items: DlmsData[] = n.body.type === 'structure' ? n.body.items : [n.body];
    const name = items[0] && (items[0].type === 'octet-string' || items[0].type === 'visible-string') ? Buffer.from(items[0].value as Buffer | string).toString('latin1') : undefined;
    const host = from.replace(/:\d+$/, '').replace(/^::ffff:/, '');
    // A body that opens with a name is identified by it alone; only a nameless one falls back to the address.
    const device = name !== undefined ? opts.devices.find((d) => d.logicalDeviceName === name) : opts.devices.find((d) => d.protocol === 'dlms-tcp' && d.host === host);
    if (!device) return refuse('meter_unknown', `no DLMS meter with logical device name ${JSON.stringify(name ?? null)} or address ${host}`);
    const model = device.objectModel;
    const list = model.push ?? [];
    if (list.length !== items.length) throw new DlmsError('value_invalid', `push of ${items.length} elements, model ${device.serial} lists ${list.length}`);
    const knowledge = opts.knowledge(device.serial);
    const ctx: ReadingContext = { serial: device.serial, source: 'dlms', correlationId: `${device.serial}:push:${receivedAt}`, receivedAt, model };
    const built: Built = { envelopes: [], failures: [] };
    let ts = n.dateTime ? instantOf({ type: 'octet-string', value: n.dateTime }, { deviationSign: model.deviationSign, fallbackDeviation: device.deviationMinutes }) : receivedAt;
    ts = Math.round(ts / 1000) * 1000;
    list.forEach((obj, i) => {
      const v = items[i];
      if (obj.classId === CLASS.clock && obj.attribute === 2) return;
      if (obj.attribute === 3 && (obj.classId === CLASS.register || obj.classId === CLASS.extendedRegister)) knowledge.scalers.set(obj.obis, parseScalerUnit(v));
      else if (obj.classId === CLASS.profileGeneric && obj.attribute === 2) {
        const lp = model.loadProfile;
        const columns = knowledge.columns ?? lp?.columns?.map((c) => ({ classId: c.classId, obis: c.obis, attribute: c.attribute, dataIndex: 0 }));
        if (!lp || !columns) throw new DlmsError('value_invalid', `model of ${device.serial} declares no load profile columns`);
        const roles = columnRoles(columns, model, knowledge.scalers);
        profileReadings(ctx, profileRows(v, columns.length), roles, { capturePeriodMs: lp.capturePeriodSeconds * 1000, fallbackDeviation: device.deviationMinutes }, built);
      } else if (obj.attribute === 2 && obj.classId !== CLASS.data) {
        const spec = model.registers.find((r) => r.obis === obj.obis);
        const su = knowledge.scalers.get(obj.obis) ?? (spec?.scaler !== undefined && spec.unit !== undefined ? { scaler: spec.scaler, unit: spec.unit } : undefined);
        if (spec && su) registerReading(ctx, spec.channel, v, su, ts, undefined, built);
        else if (spec) built.failures.push(`${spec.channel}: no scaler_unit known`);
      }
    });
    const message: IngestMessage = { ...base, envelopes: built.envelopes };
    if (built.failures.length) message.rejection = { reason: opts.decodeReason, detail: `${device.serial}: ${built.failures.slice(0, 20).join('; ')}`.slice(0, 1000) };
    return message;
  } catch (err) {
    if (!(err instanceof DlmsError)) throw err;
    return refuse(opts.decodeReason, `${err.reason}: ${err.detail}`);
  }
}

export async function startPushReceiver(opts: PushOptions): Promise<PushReceiver> {
  const stats: PushStats = { connections: 0, notifications: 0, rejected: 0, skippedBytes: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    if (sockets.size >= (opts.maxConnections ?? 10_000)) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    stats.connections++;
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    const reassembler = new WrapperReassembler();
    let chain = Promise.resolve();
    socket.setTimeout(opts.idleMs ?? 120_000, () => socket.destroy());
    socket.on('data', (chunk) => {
      const before = reassembler.skipped;
      const frames = reassembler.push(chunk);
      stats.skippedBytes += reassembler.skipped - before;
      if (!frames.length) return;
      socket.pause(); // nothing more is read from this meter until its notifications are stored
      chain = chain
        .then(async () => {
          for (const f of frames) {
            const message = notificationMessage(f.apdu, from, opts);
            stats.notifications++;
            if (message.rejection) stats.rejected++;
            await opts.sink.submit(message);
          }
        })
        .catch((err) => log.warn({ from, err: (err as Error).message }, 'dlms push not stored; the meter pushes again'))
        .finally(() => socket.resume());
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  log.info({ port }, 'dlms push receiver listening');
  let closed: Promise<void> | undefined;
  return {
    port,
    stats: () => ({ ...stats }),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}
