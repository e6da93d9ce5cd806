/**
 * A DLMS meter as the collector sees it: its serial and the fields of its `communication` column, validated.
 *
 *   polled:  {"protocol":"dlms-tcp","host":"10.20.0.15","port":4059,"clientSap":16,"serverSap":1,"password":"...",
 *             "pollSeconds":900,"model":"generic-gas","logicalDeviceName":"ABN0001"}
 *   push only: {"protocol":"dlms-push","logicalDeviceName":"ABN0002","model":"generic-gas"}
 *
 * A polled meter may push too (its logicalDeviceName identifies it). `security` (suite 0 keys) is refused until
 * ciphering is built; keys and passwords are never logged.
 */
import { z } from 'zod';
import { AboneError } from '../../platform/errors.ts';
import { resolveModel, type DlmsObjectModel } from './meter-model.ts';

const common = {
  serial: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a meter serial'),
  model: z.union([z.string().min(1).max(64), z.record(z.string(), z.unknown())]).default('generic-gas'),
  logicalDeviceName: z.string().min(1).max(64).optional(),
  /** Minutes (standard sign) for meters whose date-times carry no deviation; default 0 (UTC). */
  deviationMinutes: z.number().int().min(-720).max(720).default(0),
  security: z.unknown().optional(),
};
const tcp = z.object({
  ...common,
  protocol: z.literal('dlms-tcp'),
  host: z.string().min(1).max(255),
  port: z.number().int().min(1).max(65535).default(4059),
  clientSap: z.number().int().min(1).max(0xffff).default(16),
  serverSap: z.number().int().min(1).max(0xffff).default(1),
  password: z.string().max(64).optional(),
  pollSeconds: z.number().min(0.05).max(86_400).optional(),
  timeoutMs: z.number().int().min(10).max(120_000).optional(),
  maxReceivePdu: z.number().int().min(64).max(0xffff).default(1024),
  /** Clock drift (seconds) beyond which the poll sets the meter's clock; 0 never sets it. */
  clockSyncSeconds: z.number().min(0).max(86_400).default(0),
});
const push = z.object({ ...common, protocol: z.literal('dlms-push') });

export type DlmsDevice = z.input<typeof tcp> | z.input<typeof push>;
export type PolledDevice = z.output<typeof tcp> & { objectModel: DlmsObjectModel };
export type PushDevice = (z.output<typeof tcp> | z.output<typeof push>) & { objectModel: DlmsObjectModel };

/** Validates every device at once; one error lists every problem (like the Modbus pollers). */
export function checkDevices(devices: readonly unknown[]): PushDevice[] {
  const problems: string[] = [];
  const out: PushDevice[] = [];
  const serials = new Set<string>();
  const names = new Set<string>();
  devices.forEach((raw, i) => {
    const protocol = (raw as { protocol?: unknown } | null)?.protocol;
    const name = typeof (raw as { serial?: unknown } | null)?.serial === 'string' ? String((raw as { serial: string }).serial).slice(0, 64) : `devices[${i}]`;
    const parsed = (protocol === 'dlms-push' ? push : tcp).safeParse(raw);
    if (!parsed.success) {
      problems.push(`${name}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'device'} ${x.message}`).join('; ')}`);
      return;
    }
    const d = parsed.data;
    if (d.security !== undefined) problems.push(`${d.serial}: security (ciphered DLMS, suite 0) is not supported yet`);
    if (serials.has(d.serial)) problems.push(`${d.serial}: listed twice`);
    serials.add(d.serial);
    if (d.protocol === 'dlms-push' && !d.logicalDeviceName) problems.push(`${d.serial}: a push-only meter needs its logicalDeviceName`);
    if (d.logicalDeviceName) {
      if (names.has(d.logicalDeviceName)) problems.push(`${d.serial}: logicalDeviceName ${d.logicalDeviceName} is used twice`);
      names.add(d.logicalDeviceName);
    }
    try {
      out.push({ ...d, objectModel: resolveModel(d.model) });
    } catch (err) {
      problems.push(`${d.serial}: model: ${(err as Error).message}`);
    }
  });
  if (problems.length) throw new AboneError('ABONE_ERR_CONFIG_INVALID', { problems: problems.join('\n  ') });
  return out;
}
