/**
 * The month's gas factors: the correction factor K and the gross calorific value (kcal/m³) the distributor announces
 * per province (or '*' for all), with which a gas bill turns m³ into kWh (billing-core: m³ × K × GCV ÷ 860.42).
 * A factor may be set and corrected until a bill run of its month exists; after that the bills of the month were
 * priced with it, and a change must come as a correction of those bills, not as a silent edit here.
 */
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { withTransaction } from '../../platform/db/pool.ts';

export interface GasFactor {
  period: string;
  ilKey: string;
  correctionFactor: string;
  calorificValue: string;
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const IL_KEY = /^(\*|[a-z0-9_-]{1,64})$/;
const invalid = (detail: string) => new AboneError('ABONE_ERR_BILLING_GAS_FACTOR_INVALID', { detail });

export async function setGasFactor(pool: pg.Pool, f: GasFactor): Promise<GasFactor> {
  if (!PERIOD.test(f.period)) throw invalid('period must be YYYY-MM');
  if (!IL_KEY.test(f.ilKey)) throw invalid("ilKey must be a province key (lower case) or '*' for all");
  if (!/^\d{1,2}(\.\d{1,6})?$/.test(f.correctionFactor) || Number(f.correctionFactor) <= 0 || Number(f.correctionFactor) > 2) throw invalid('correctionFactor must be a decimal in (0, 2] with up to 6 places, like 0.987000');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(f.calorificValue) || Number(f.calorificValue) < 7000 || Number(f.calorificValue) > 12000) throw invalid('calorificValue must be kcal/m³ between 7000 and 12000, like 9250.00');
  return withTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('billing.gas-factor:' || $1))`, [f.period]);
    const { rows: runs } = await c.query('SELECT id FROM billing_run WHERE period = $1 LIMIT 1', [f.period]);
    if (runs.length) throw new AboneError('ABONE_ERR_BILLING_GAS_FACTOR_USED', { period: f.period, runId: runs[0].id });
    const { rows } = await c.query<GasFactor>(
      `INSERT INTO billing_gas_factor (period, il_key, correction_factor, calorific_value) VALUES ($1, $2, $3, $4)
       ON CONFLICT (period, il_key) DO UPDATE SET correction_factor = EXCLUDED.correction_factor, calorific_value = EXCLUDED.calorific_value
       RETURNING period, il_key AS "ilKey", correction_factor::text AS "correctionFactor", calorific_value::text AS "calorificValue"`,
      [f.period, f.ilKey, f.correctionFactor, f.calorificValue],
    );
    return rows[0];
  });
}

export async function listGasFactors(db: pg.Pool, period?: string): Promise<GasFactor[]> {
  const { rows } = await db.query<GasFactor>(
    `SELECT period, il_key AS "ilKey", correction_factor::text AS "correctionFactor", calorific_value::text AS "calorificValue"
     FROM billing_gas_factor WHERE ($1::text IS NULL OR period = $1) ORDER BY period DESC, il_key LIMIT 500`,
    [period ?? null],
  );
  return rows;
}
