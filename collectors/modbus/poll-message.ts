/**
 * One poll's registers as one ingest message: a 'reading' envelope per point that decoded, and a 'modbus_decode'
 * rejection naming the points that did not. Both can be in the same message: a NaN from a broken temperature probe
 * goes to the dead-letter table while the volume index beside it is stored. `raw` is always the register bytes, so a
 * dead-lettered poll (by this collector or by the pipeline's validation) shows exactly what the device answered.
 */
import type { Envelope, IngestMessage } from '../../headend/index.ts';
import type { ReadBlock } from './read-plan.ts';
import { decodeBlocks, wordsToBytes } from './register-decoder.ts';

export interface PollResult {
  serial: string;
  topic: string; // the device address, e.g. modbus://10.0.0.5:502/1
  polledAt: number; // epoch ms when the poll started
  receivedAt: number; // epoch ms when its last answer arrived
  blocks: readonly ReadBlock[];
  words: readonly (readonly number[])[]; // the answer to each block, in order
}

export function pollMessage(poll: PollResult): IngestMessage {
  // A poll reads the meter's present state; stamping it to the second makes a re-poll within the same second the
  // same reading (meter, channel, ts), which storage keeps once.
  const ts = Math.round(poll.polledAt / 1000) * 1000;
  const correlationId = `${poll.serial}:${ts}`;
  const results = decodeBlocks(poll.blocks, poll.words);
  const envelopes: Envelope[] = [];
  const failed: string[] = [];
  for (const r of results) {
    if (!r.ok) {
      failed.push(r.detail);
      continue;
    }
    envelopes.push({
      id: `${correlationId}#${r.point.channel}`,
      ts,
      type: 'reading',
      meterSerial: poll.serial,
      channel: r.point.channel,
      value: r.value,
      unit: r.point.unit,
      quality: 'good',
      source: 'modbus',
      receivedAt: poll.receivedAt,
      correlationId,
    });
  }
  const message: IngestMessage = { source: 'modbus', topic: poll.topic, raw: wordsToBytes(poll.words), envelopes };
  if (failed.length) message.rejection = { reason: 'modbus_decode', detail: `${poll.serial}: ${failed.join('; ')}`.slice(0, 1000) };
  return message;
}
