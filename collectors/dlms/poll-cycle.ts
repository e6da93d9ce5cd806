/**
 * One poll of one meter, on an open association: the registers (value, scaler_unit, Extended Register capture_time)
 * and the clock in one GET with list, then the load profile since the meter's cursor, in chunks of at most
 * `profileChunkHours`, each chunk its own ingest message. The caller submits each message and waits for it before
 * asking for the next chunk, so the cursor moves only over what is stored.
 *
 * What the collector learns of a meter (profile columns and their scaler_units) is kept in `MeterKnowledge`, read once
 * per meter and shared with the push receiver, which cannot ask a pushing meter anything.
 */
import type { Envelope, IngestMessage, RejectReason } from '../../headend/index.ts';
import type { DlmsClient } from './client.ts';
import { instantOf, parseCaptureObjects, parseScalerUnit, profileRows, rangeDescriptor, type CaptureObject } from './cosem.ts';
import type { PolledDevice } from './device.ts';
import { CLASS } from './obis-channels.ts';
import { columnRoles, profileReadings, registerReading, type Built, type ReadingContext } from './readings.ts';
import type { ScalerUnit } from './units.ts';
import type { AttributeRequest } from './xdlms.ts';

export interface MeterKnowledge {
  columns?: CaptureObject[];
  scalers: Map<string, ScalerUnit>; // by OBIS of a register
}

export interface PollPlan {
  device: PolledDevice;
  knowledge: MeterKnowledge;
  profileChunkMs: number;
  topic: string;
  decodeReason: RejectReason;
}

export interface PollStep {
  message: IngestMessage;
  profileUntil?: number; // newest profile instant in this message: the cursor once it is stored
  clockDriftMs?: number;
}

function message(plan: PollPlan, built: Built, raw: Buffer): IngestMessage {
  const m: IngestMessage = { source: 'dlms', topic: plan.topic, raw, envelopes: built.envelopes };
  if (built.failures.length) m.rejection = { reason: plan.decodeReason, detail: `${plan.device.serial}: ${built.failures.slice(0, 20).join('; ')}`.slice(0, 1000) };
  return m;
}

/** Registers and clock: the first message of a poll. Scaler_units are read once per meter and kept. */
export async function pollRegisters(client: DlmsClient, plan: PollPlan, polledAt: number): Promise<PollStep> {
  const { device, knowledge } = plan;
  const model = device.objectModel;
  const items: AttributeRequest[] = [{ attribute: { classId: CLASS.clock, obis: model.clock, attribute: 2 } }];
  for (const r of model.registers) {
    items.push({ attribute: { classId: r.classId, obis: r.obis, attribute: 2 } });
    if (r.classId !== CLASS.data && !knowledge.scalers.has(r.obis)) items.push({ attribute: { classId: r.classId, obis: r.obis, attribute: 3 } });
    if (r.classId === CLASS.extendedRegister) items.push({ attribute: { classId: r.classId, obis: r.obis, attribute: 5 } });
  }
  const results = items.length ? await client.getList(items) : [];
  const at = (obis: string, attribute: number) => {
    const i = items.findIndex((x) => x.attribute.obis === obis && x.attribute.attribute === attribute);
    return i < 0 ? undefined : results[i];
  };
  const ctx: ReadingContext = { serial: device.serial, source: 'dlms', correlationId: `${device.serial}:${polledAt}`, receivedAt: Date.now(), model };
  const built: Built = { envelopes: [], failures: [] };
  let clockDriftMs: number | undefined;
  const clock = results[0];
  if (clock?.ok) {
    try {
      clockDriftMs = instantOf(clock.data, { deviationSign: model.deviationSign, fallbackDeviation: device.deviationMinutes }) - polledAt;
    } catch (err) {
      built.failures.push(`clock: ${(err as Error).message}`);
    }
  }
  // A poll reads present values: stamped to the second, a re-poll within the same second is the same reading.
  const ts = Math.round(polledAt / 1000) * 1000;
  for (const r of model.registers) {
    const value = at(r.obis, 2);
    if (!value?.ok) {
      built.failures.push(`${r.channel} (${r.obis}): ${value ? `data-access-result ${value.dar}` : 'no answer'}`);
      continue;
    }
    const suResult = at(r.obis, 3);
    if (suResult?.ok) {
      try {
        knowledge.scalers.set(r.obis, parseScalerUnit(suResult.data));
      } catch (err) {
        built.failures.push(`${r.channel} scaler_unit: ${(err as Error).message}`);
      }
    }
    const su = knowledge.scalers.get(r.obis) ?? (r.scaler !== undefined && r.unit !== undefined ? { scaler: r.scaler, unit: r.unit } : undefined);
    if (!su) {
      built.failures.push(`${r.channel}: no scaler_unit`);
      continue;
    }
    const captured = at(r.obis, 5);
    registerReading(ctx, r.channel, value.data, su, ts, captured?.ok ? captured.data : undefined, built);
  }
  return { message: message(plan, built, client.takeReceived()), clockDriftMs };
}

/** Capture objects and the scaler_units of the registers among them, read once per meter. */
export async function learnProfile(client: DlmsClient, plan: PollPlan): Promise<CaptureObject[]> {
  const lp = plan.device.objectModel.loadProfile!;
  if (plan.knowledge.columns) return plan.knowledge.columns;
  const columns = parseCaptureObjects(await client.get({ classId: CLASS.profileGeneric, obis: lp.obis, attribute: 3 }));
  const registers = columns.filter((c) => (c.classId === CLASS.register || c.classId === CLASS.extendedRegister) && !plan.knowledge.scalers.has(c.obis));
  if (registers.length) {
    const results = await client.getList(registers.map((c) => ({ attribute: { classId: c.classId, obis: c.obis, attribute: 3 } })));
    results.forEach((r, i) => {
      if (r.ok) plan.knowledge.scalers.set(registers[i].obis, parseScalerUnit(r.data));
    });
  }
  plan.knowledge.columns = columns;
  return columns;
}

/** The profile rows after `cursor`, up to one chunk: one message. `profileUntil` is where the next chunk starts. */
export async function pollProfileChunk(client: DlmsClient, plan: PollPlan, cursor: number, now: number): Promise<PollStep & { done: boolean }> {
  const { device } = plan;
  const lp = device.objectModel.loadProfile!;
  const columns = await learnProfile(client, plan);
  const to = Math.min(now, cursor + plan.profileChunkMs);
  // The range is inclusive; starting a second after the cursor leaves out the row already stored.
  const buffer = await client.get({ classId: CLASS.profileGeneric, obis: lp.obis, attribute: 2 }, rangeDescriptor(cursor + 1000, to));
  const ctx: ReadingContext = { serial: device.serial, source: 'dlms', correlationId: `${device.serial}:lp:${cursor}`, receivedAt: Date.now(), model: device.objectModel };
  const built: Built = { envelopes: [] as Envelope[], failures: [] };
  const roles = columnRoles(columns, device.objectModel, plan.knowledge.scalers);
  let newest: number | undefined;
  try {
    newest = profileReadings(ctx, profileRows(buffer, columns.length), roles, { capturePeriodMs: lp.capturePeriodSeconds * 1000, afterTs: cursor, fallbackDeviation: device.deviationMinutes }, built);
  } catch (err) {
    built.failures.push(`load profile: ${(err as Error).message}`);
  }
  // An empty chunk still moves the cursor to its end, unless it reached the present (rows may still be captured).
  const profileUntil = newest ?? (to < now ? to : undefined);
  return { message: message(plan, built, client.takeReceived()), profileUntil, done: to >= now };
}
