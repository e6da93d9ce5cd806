/**
 * Rebuilding per-meter state at start-up: the last hours of stored readings and events are replayed through the
 * engine in reading-time order (one cursor over the window), so durations, windows, register indexes and zero-runs
 * pick up where they were. Then the engine is told which alarms the database holds as active (so it clears them when
 * their condition ends), and an alarm the replay finds up but the database lacks (a crash between a commit and the
 * alarm write) is raised now. Gaps replayed are not raised again: they were reported when they closed.
 */
import type pg from 'pg';
import type { Envelope } from '../headend/index.ts';
import { activeAlarmKeys } from './alarm-store.ts';
import type { RuleEngine, Transition } from './engine.ts';

const HOUR = 3_600_000;
const PAGE = 20_000;

export async function rebuildState(pool: pg.Pool, engine: RuleEngine, hours: number, now = Date.now()): Promise<{ replayed: number; missed: Transition[] }> {
  const dbActive = await activeAlarmKeys(pool);
  engine.active.clear();
  const lastRaise = new Map<string, Transition>();
  let replayed = 0;
  // One pass in reading-time order through a server-side cursor: the reading table has no index on ts alone, so
  // one scan (sorted by the server, spilling to disk if it must) beats an hour-by-hour query; Node holds one page.
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(
      `DECLARE replay NO SCROLL CURSOR FOR
       SELECT meter_id, channel, unit, ts, value, event FROM (
         SELECT r.meter_id, c.code AS channel, c.unit, r.ts, r.value, false AS event FROM reading r JOIN channel c ON c.id = r.channel_id
         WHERE r.ts >= $1 AND r.ts < $2
         UNION ALL
         SELECT e.meter_id, e.code, '', e.ts, 0, true FROM meter_event e WHERE e.ts >= $1 AND e.ts < $2
       ) x ORDER BY ts, event DESC`,
      [new Date(now - hours * HOUR), new Date(now)],
    );
    for (;;) {
      const { rows } = await client.query(`FETCH ${PAGE} FROM replay`);
      if (!rows.length) break;
      const batch: Envelope[] = rows.map((r) => ({
        id: '',
        ts: r.ts.getTime(),
        type: r.event ? 'event' : 'reading',
        meterSerial: '',
        meterId: r.meter_id,
        channel: r.channel,
        value: r.value,
        unit: r.unit,
        quality: 'good',
        source: 'replay',
        receivedAt: 0,
        correlationId: 'replay',
      }));
      replayed += batch.length;
      for (const t of engine.evaluate(batch)) if (t.kind === 'raise') lastRaise.set(`${t.meterId}|${t.type}`, t);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  const upInReplay = [...engine.active];
  const inDb = new Set(dbActive);
  for (const k of dbActive) engine.active.add(k);
  const missed = upInReplay.filter((k) => !inDb.has(k)).map((k) => lastRaise.get(k)!).filter(Boolean);
  return { replayed, missed };
}
