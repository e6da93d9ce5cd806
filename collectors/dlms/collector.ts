/**
 * The DLMS collector: one polling loop per `dlms-tcp` meter and one push receiver for all, sharing what they learn
 * of each meter (profile columns, scaler_units). `startDlmsCollector` validates every device first and starts nothing
 * when one is wrong (one ABONE_ERR_CONFIG_INVALID listing them all).
 *
 * Devices come from `devices` (serial + the communication fields, docs/dlms.md) or, when omitted, from the registry's
 * active meters whose communication.protocol is dlms-tcp or dlms-push.
 */
import { REJECT_REASONS, type RejectReason } from '../../headend/index.ts';
import { loadSettings, type SettingsOf } from '../../platform/config.ts';
import { AboneError } from '../../platform/errors.ts';
import { contextLogger } from '../../platform/logger.ts';
import { choosePort } from '../../platform/net.ts';
import { checkDevices, type DlmsDevice, type PolledDevice } from './device.ts';
import { MeterPoller, type DlmsCommand, type MeterStats, type PipelineSink } from './meter-poller.ts';
import type { MeterKnowledge } from './poll-cycle.ts';
import { startPushReceiver, type PushStats } from './push-receiver.ts';
import { dlmsSettings } from './settings.ts';

const log = contextLogger('dlms');

/**
 * The dead-letter reason for DLMS data that does not decode: 'dlms_decode' once the head-end's REJECT_REASONS has it
 * (asked of the lead), 'schema_invalid' until then. Chosen at run time so adding the reason needs no change here.
 */
export const DLMS_DECODE_REASON: RejectReason = (REJECT_REASONS as readonly string[]).includes('dlms_decode') ? ('dlms_decode' as string as RejectReason) : 'schema_invalid';

export interface DlmsCollectorOptions {
  pipeline: PipelineSink;
  registry?: { all(): Array<{ serial: string; status: string; communication: Record<string, unknown> }> };
  devices?: readonly DlmsDevice[];
  /** Preferred push port; default ABONE_DLMS_PUSH_PORT (4059). 0: any free port. null: no push receiver. */
  pushPort?: number | null;
  settings?: Partial<SettingsOf<typeof dlmsSettings>>;
  backoff?: { initialMs: number; maxMs: number };
  /** Newest stored load-profile instant of a meter (epoch ms), to resume after a restart without re-reading. */
  lastStored?: (serial: string) => Promise<number | null>;
}

export interface DlmsCollector {
  pushPort: number | null;
  stats(): { meters: MeterStats[]; push: PushStats | null };
  /** Valve close/open (Disconnect Control) or clock sync on a polled meter; resolves when the meter confirmed. */
  command(serial: string, cmd: DlmsCommand): Promise<void>;
  stop(): Promise<void>;
}

function fromRegistry(registry: NonNullable<DlmsCollectorOptions['registry']>): DlmsDevice[] {
  return registry
    .all()
    .filter((m) => m.status === 'active' && (m.communication?.protocol === 'dlms-tcp' || m.communication?.protocol === 'dlms-push'))
    .map((m) => ({ ...(m.communication as object), serial: m.serial }) as DlmsDevice);
}

export async function startDlmsCollector(opts: DlmsCollectorOptions): Promise<DlmsCollector> {
  const settings = loadSettings(dlmsSettings, process.env, opts.settings ?? {});
  const devices = checkDevices(opts.devices ?? (opts.registry ? fromRegistry(opts.registry) : []));
  const knowledge = new Map<string, MeterKnowledge>();
  const know = (serial: string) => {
    let k = knowledge.get(serial);
    if (!k) knowledge.set(serial, (k = { scalers: new Map() }));
    return k;
  };
  const pollers = devices
    .filter((d): d is PolledDevice => d.protocol === 'dlms-tcp')
    .map(
      (d) =>
        new MeterPoller(d, know(d.serial), opts.pipeline, {
          pollMs: (d.pollSeconds ?? settings.pollSeconds) * 1000,
          timeoutMs: d.timeoutMs ?? settings.timeoutMs,
          backoff: opts.backoff ?? { initialMs: 1000, maxMs: 60_000 },
          backfillMs: settings.backfillHours * 3_600_000,
          profileChunkMs: settings.profileChunkHours * 3_600_000,
          decodeReason: DLMS_DECODE_REASON,
          lastStored: opts.lastStored,
        }),
    );
  const bySerial = new Map(pollers.map((p) => [p.device.serial, p]));
  let push: Awaited<ReturnType<typeof startPushReceiver>> | undefined;
  const preferred = opts.pushPort === undefined ? settings.pushPort : opts.pushPort;
  if (preferred !== null) {
    const port = await choosePort(preferred, (chosen) => log.warn({ preferred, port: chosen }, `port ${preferred} is busy; the DLMS push receiver takes ${chosen} (set ABONE_DLMS_PUSH_PORT to choose)`), settings.pushHost === '0.0.0.0' ? '127.0.0.1' : settings.pushHost);
    push = await startPushReceiver({ devices, knowledge: know, sink: opts.pipeline, decodeReason: DLMS_DECODE_REASON, host: settings.pushHost, port });
  }
  for (const p of pollers) p.start();
  log.info({ polled: pollers.length, devices: devices.length, pushPort: push?.port ?? null }, 'dlms collector started');
  let stopped: Promise<void> | undefined;
  return {
    pushPort: push?.port ?? null,
    stats: () => ({ meters: pollers.map((p) => p.stats()), push: push?.stats() ?? null }),
    command: (serial, cmd) => {
      const poller = bySerial.get(serial);
      if (!poller) return Promise.reject(new AboneError('ABONE_ERR_DLMS_METER_NOT_POLLED', { serial }));
      return poller.command(cmd);
    },
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all(pollers.map((p) => p.stop()));
        await push?.close();
        log.info('dlms collector stopped');
      })()),
  };
}
