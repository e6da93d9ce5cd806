/**
 * Validation of envelopes against the device registry: the meter exists and is active, the channel is one its model
 * reports, the unit is the channel's (or exactly convertible), the value is finite and the timestamp is sane.
 * Pure and synchronous: the pipeline resolves unknown serials before calling it.
 */
import { CHANNEL_BY_CODE, EVENT_CODE_SET, unitFactor } from './channels.ts';
import type { KnownMeter } from './device-registry.ts';
import type { Envelope, RejectReason } from './envelope.ts';

export interface ValidationLimits {
  maxFutureMs: number;
  maxAgeMs: number;
}

export type Verdict = { ok: true; meter: KnownMeter; channelId: number; value: number } | { ok: false; reason: RejectReason; detail: string };

export function validateEnvelope(e: Envelope, meter: KnownMeter | undefined, limits: ValidationLimits, now: number): Verdict {
  if (!meter) return { ok: false, reason: 'meter_unknown', detail: `meter ${e.meterSerial} is not registered` };
  if (meter.status !== 'active') return { ok: false, reason: 'meter_inactive', detail: `meter ${e.meterSerial} is ${meter.status}` };
  // Beyond ±8.64e15 ms there is no Date (toISOString below would throw): not an instant at all.
  if (!Number.isFinite(e.ts) || Math.abs(e.ts) > 8.64e15) return { ok: false, reason: 'ts_invalid', detail: 'timestamp is not a valid instant' };
  if (e.ts > now + limits.maxFutureMs) return { ok: false, reason: 'ts_future', detail: `timestamp ${new Date(e.ts).toISOString()} is ahead of the head-end clock` };
  if (e.ts < now - limits.maxAgeMs) return { ok: false, reason: 'ts_too_old', detail: `timestamp ${new Date(e.ts).toISOString()} is older than the retention period` };
  if (e.type === 'event') {
    if (!EVENT_CODE_SET.has(e.channel)) return { ok: false, reason: 'event_unknown', detail: `unknown event code ${e.channel}` };
    return { ok: true, meter, channelId: 0, value: 0 };
  }
  const channel = CHANNEL_BY_CODE.get(e.channel);
  if (!channel) return { ok: false, reason: 'channel_unknown', detail: `unknown channel ${e.channel}` };
  if (!meter.channelIds.has(channel.id)) return { ok: false, reason: 'channel_not_on_model', detail: `meter ${e.meterSerial}'s model does not report ${e.channel}` };
  const factor = unitFactor(channel.unit, e.unit);
  if (factor === undefined) return { ok: false, reason: 'unit_invalid', detail: `unit ${e.unit} is not ${channel.unit} or convertible to it` };
  // Finite after conversion too: 1e306 MWh is a finite number of MWh but not of kWh.
  const value = factor === 1 ? e.value : e.value * factor;
  if (typeof e.value !== 'number' || !Number.isFinite(value)) return { ok: false, reason: 'value_invalid', detail: 'value is not a finite number' };
  // A register index is never negative; negative interval consumption is kept: it is how reverse flow shows.
  if (channel.kind === 'register' && value < 0) return { ok: false, reason: 'value_invalid', detail: 'a register index must not be negative' };
  return { ok: true, meter, channelId: channel.id, value };
}
