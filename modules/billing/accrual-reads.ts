/** Reading accruals: one by id, the outsorted ones awaiting review, a subscription's history. */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import type { BillLineJson } from '../../billing-core/index.ts';

export interface AccrualView {
  id: number;
  subscriptionId: number;
  period: string;
  runId: number | null;
  accountId: number;
  commodity: string;
  tariffCode: string | null;
  tariffRevision: number | null;
  from: string;
  to: string;
  source: string;
  consumption: string | null;
  estimatedShare: string | null;
  net: string | null;
  taxes: string | null;
  gross: string | null;
  lines: BillLineJson[] | null;
  state: 'posted' | 'outsorted' | 'reversed' | 'superseded';
  outsortReason: string | null;
  outsortDetail: string | null;
  supersedes: number | null;
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
}

const SELECT = `SELECT id, subscription_id, period, run_id, account_id, commodity, tariff_code, tariff_revision,
  to_char(from_date, 'YYYY-MM-DD') AS from_date, to_char(to_date, 'YYYY-MM-DD') AS to_date, source, consumption::text, estimated_share::text,
  net::text, taxes::text, gross::text, lines, state, outsort_reason, outsort_detail, supersedes, created_at, decided_at, decided_by FROM billing_accrual`;

const view = (r: any): AccrualView => ({
  id: Number(r.id), subscriptionId: Number(r.subscription_id), period: r.period, runId: r.run_id === null ? null : Number(r.run_id), accountId: Number(r.account_id),
  commodity: r.commodity, tariffCode: r.tariff_code, tariffRevision: r.tariff_revision, from: r.from_date, to: r.to_date, source: r.source,
  consumption: r.consumption, estimatedShare: r.estimated_share, net: r.net, taxes: r.taxes, gross: r.gross, lines: r.lines, state: r.state,
  outsortReason: r.outsort_reason, outsortDetail: r.outsort_detail, supersedes: r.supersedes === null ? null : Number(r.supersedes),
  createdAt: r.created_at, decidedAt: r.decided_at, decidedBy: r.decided_by,
});

export async function loadAccrual(db: pg.Pool | pg.PoolClient, id: number): Promise<AccrualView> {
  const { rows } = await db.query(`${SELECT} WHERE id = $1`, [id]);
  if (!rows[0]) throw new AboneError('ABONE_ERR_BILLRUN_ACCRUAL_NOT_FOUND', { id });
  return view(rows[0]);
}

export async function outsortedAccruals(db: pg.Pool | pg.PoolClient, q: { period?: string; runId?: number; limit?: number; afterId?: number }): Promise<AccrualView[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE state = 'outsorted' AND ($1::text IS NULL OR period = $1) AND ($2::bigint IS NULL OR run_id = $2) AND id > $3 ORDER BY id LIMIT $4`,
    [q.period ?? null, q.runId ?? null, q.afterId ?? 0, q.limit ?? 100],
  );
  return rows.map(view);
}

export async function subscriptionAccruals(db: pg.Pool | pg.PoolClient, subscriptionId: number): Promise<AccrualView[]> {
  // Every state, said as the two sets the indexes cover (migration 0030): the live bills and the closed ones.
  const { rows } = await db.query(
    `${SELECT} WHERE subscription_id = $1 AND (state IN ('posted', 'outsorted') OR state IN ('reversed', 'superseded')) ORDER BY period, id`,
    [subscriptionId],
  );
  return rows.map(view);
}
