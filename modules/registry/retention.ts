/**
 * KVKK retention: the personal data of a party closed longer than ABONE_PII_RETENTION_DAYS ago is anonymised. The
 * row stays (subscriptions, ledger postings and the audit trail refer to its id); its name becomes 'Anonim' and its
 * national id, phone, e-mail and IBAN become null. Each party anonymised is audited as actor 'system'.
 * Runs at start-up and daily; several processes may run it at once (SKIP LOCKED hands each row to one of them).
 */
import type pg from 'pg';
import { contextLogger } from '../../platform/logger.ts';
import { withTransaction } from '../../platform/db/pool.ts';
import { audit } from '../access/index.ts';
import { nameKey } from './name-key.ts';

const log = contextLogger('registry');
const DAY_MS = 86_400_000;
const BATCH = 500; // rows per transaction: bounded locks and audit inserts, whatever the backlog
export const ANONYMOUS_NAME = 'Anonim';

/** Anonymises every party closed before `now` minus `days` (24-hour days); returns their ids. */
export async function anonymiseExpiredParties(pool: pg.Pool, days: number, now: Date = new Date()): Promise<number[]> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const done: number[] = [];
  for (;;) {
    const batch = await withTransaction(pool, async (c) => {
      const { rows } = await c.query<{ id: number; closed_at: Date }>(
        `UPDATE party SET name = $3, name_key = $4, national_id = NULL, national_id_valid = false, phone = NULL, email = NULL,
                iban = NULL, sms_consent = false, email_consent = false, anonymised_at = $2
         WHERE id IN (SELECT id FROM party WHERE closed_at < $1 AND anonymised_at IS NULL ORDER BY closed_at, id LIMIT $5 FOR UPDATE SKIP LOCKED)
         RETURNING id, closed_at`,
        [cutoff, now, ANONYMOUS_NAME, nameKey(ANONYMOUS_NAME), BATCH],
      );
      for (const r of rows) await audit(c, 'system', { action: 'party.anonymise', entity: 'party', entityId: r.id, detail: { retentionDays: days, closedAt: r.closed_at } });
      return rows.map((r) => r.id);
    });
    done.push(...batch);
    if (batch.length < BATCH) break;
  }
  if (done.length) log.info({ count: done.length, retentionDays: days, partyIds: done.slice(0, 100) }, 'parties anonymised after retention');
  return done;
}

export interface RetentionJob {
  /** Runs now (or joins the run in progress); resolves with the ids anonymised. */
  runNow(): Promise<number[]>;
  stop(): Promise<void>;
}

/** Runs the job soon after start (restarts must not starve it) and then every `intervalMs` (a day). */
export function startRetentionJob(pool: pg.Pool, days: number, intervalMs = DAY_MS): RetentionJob {
  let running: Promise<number[]> | undefined;
  const runNow = () =>
    (running ??= anonymiseExpiredParties(pool, days)
      .catch((err: { code?: string; message?: string }) => {
        // A failed run is retried by the next one; the error of a query names columns, never values.
        log.error({ code: err.code, err: err.message }, 'party retention run failed');
        return [];
      })
      .finally(() => (running = undefined)));
  // Timers are unref'ed: this job never keeps a process alive that is otherwise done.
  const first = setTimeout(runNow, 1_000).unref();
  const every = setInterval(runNow, intervalMs).unref();
  return {
    runNow,
    stop: async () => {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
