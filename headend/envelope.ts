/**
 * The envelope: one shape for everything that flows through the head-end, readings, events and commands alike.
 * Collectors only parse bytes into envelopes; the pipeline validates, deduplicates, writes and feeds the rules.
 */
export type EnvelopeType = 'reading' | 'event' | 'command';

export type Quality = 'good' | 'estimated' | 'suspect' | 'clock_corrected';
export const QUALITY_CODE: Record<Quality, number> = { good: 0, estimated: 1, suspect: 2, clock_corrected: 3 };

export interface Envelope {
  id: string; // unique per envelope: source message id + index
  ts: number; // epoch milliseconds of the measurement (or event)
  type: EnvelopeType;
  meterSerial: string; // the meter as the wire names it; `meterId` once the registry resolved it
  meterId?: number;
  channel: string; // channel code for readings, event code for events
  value: number; // reading value; 0 for events
  unit: string;
  quality: Quality;
  source: string; // 'mqtt', 'modbus', 'dlms', 'file', 'http'
  receivedAt: number; // epoch milliseconds
  correlationId: string;
  detail?: Record<string, unknown>; // event details
}

/** Something a collector could not turn into envelopes, or the pipeline refused; kept in the dead-letter table. */
export interface Rejection {
  source: string;
  topic: string | null;
  reason: RejectReason;
  detail: string;
  raw: Buffer | null;
}

export const REJECT_REASONS = [
  'payload_too_large',
  'json_invalid',
  'schema_invalid',
  'batch_too_large',
  'meter_unknown',
  'meter_inactive',
  'channel_unknown',
  'channel_not_on_model',
  'unit_invalid',
  'value_invalid',
  'ts_invalid',
  'ts_future',
  'ts_too_old',
  'event_unknown',
  'topic_invalid',
  'modbus_decode',
  'dlms_decode',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
