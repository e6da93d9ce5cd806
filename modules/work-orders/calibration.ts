/**
 * Calibration records (kalibrasyon): the lab's errors at Qmin, Qt and Qmax and whether they are within the maximum
 * permissible error (MPE) of the meter's model, or of its commodity when the model declares none (the
 * `calibration_mpe` table; sources in docs/work-orders.md). A meter outside the MPE at any point fails, and the same
 * transaction opens its meter replacement order: the record and the order exist together or not at all, and since
 * the order is keyed by the certificate number, one certificate never opens two.
 */
import { z } from 'zod';
import type pg from 'pg';
import { AboneError } from '../../platform/errors.ts';
import { localDate } from '../../platform/calendar.ts';
// Money is decimal.js with 40 digits: used here as exact decimals, not as an amount of money.
import { Money as Exact } from '../../platform/money.ts';
import { actorName, assertScope } from '../access/index.ts';
import type { CallContext } from './doer.ts';
import { changeTransaction } from './events.ts';
import { FreeText, insertOrder, Region, Serial } from './orders.ts';
import type { WorkOrder } from './order-view.ts';

/** The part of the head-end's registry a calibration needs: the meter's model and commodity. */
export interface MeterFacts {
  get(serial: string): Promise<{ modelId: number; commodity: string }>;
}

// An error in per cent, with at most three decimals and below 1000 % (the column is numeric(6,3)). Sent as a JSON
// number or a string; either way it becomes a decimal from its text, never a float in arithmetic.
const ErrorPct = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const s = String(v).trim();
  if (!/^[+-]?\d{1,3}(\.\d{1,3})?$/.test(s)) return ctx.addIssue({ code: 'custom', message: 'a per cent error like -1.25 (at most 3 decimals, below 1000)' }), z.NEVER;
  return s;
});

export const CalibrationSchema = z.object({
  meterSerial: Serial,
  calibratedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
  lab: FreeText(200),
  certificateNo: z.string().regex(/^[A-Za-z0-9/._-]{1,64}$/, 'letters, digits and / . _ -, 1 to 64 characters'),
  errors: z.object({ qmin: ErrorPct, qt: ErrorPct, qmax: ErrorPct }),
  /** Where the replacement order should be routed if the meter fails. */
  region: Region.optional(),
});
export type CalibrationInput = z.output<typeof CalibrationSchema>;

export interface Mpe {
  qmin: string;
  qt: string;
  qmax: string;
}

export interface Calibration {
  id: number;
  meterSerial: string;
  calibratedOn: string;
  lab: string;
  certificateNo: string;
  errors: Mpe;
  mpe: Mpe;
  passed: boolean;
  replacementOrder: WorkOrder | null;
}

/** Within the MPE at every point: |error| <= MPE (the limit itself passes, as OIML R 137 reads "shall not exceed"). */
export function withinMpe(errors: Mpe, mpe: Mpe): boolean {
  return (['qmin', 'qt', 'qmax'] as const).every((p) => new Exact(errors[p]).abs().lte(new Exact(mpe[p])));
}

export async function recordCalibration(pool: pg.Pool, meters: MeterFacts, input: CalibrationInput, ctx: CallContext): Promise<Calibration> {
  if (input.region) assertScope(ctx.actor, 'calibration.record', { region: input.region });
  const day = new Date(`${input.calibratedOn}T12:00:00Z`);
  if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== input.calibratedOn) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'calibratedOn: not a calendar date' });
  if (input.calibratedOn > localDate(new Date())) throw new AboneError('ABONE_ERR_HTTP_VALIDATION', { detail: 'calibratedOn: in the future' });
  const meter = await meters.get(input.meterSerial);
  return changeTransaction(pool, async (c, changes) => {
    const { rows: limits } = await c.query<Mpe>(
      `SELECT mpe_qmin::text AS qmin, mpe_qt::text AS qt, mpe_qmax::text AS qmax FROM calibration_mpe
       WHERE commodity = $1 AND (model_id = $2 OR model_id IS NULL) ORDER BY model_id NULLS LAST LIMIT 1`,
      [meter.commodity, meter.modelId],
    );
    if (!limits.length) throw new AboneError('ABONE_ERR_WORKORDER_MPE_UNKNOWN', { serial: input.meterSerial, commodity: meter.commodity });
    const mpe = limits[0];
    const passed = withinMpe(input.errors, mpe);
    const { rowCount: seen } = await c.query('SELECT 1 FROM calibration WHERE certificate_no = $1', [input.certificateNo]);
    if (seen) throw new AboneError('ABONE_ERR_WORKORDER_CALIBRATION_EXISTS', { certificate: input.certificateNo });
    let order: WorkOrder | undefined;
    if (!passed) {
      order = await insertOrder(
        c,
        {
          type: 'meter_replacement', priority: 'high', source: 'calibration', sourceRef: input.certificateNo, meterSerial: input.meterSerial, region: input.region, route: true,
          description: `failed calibration ${input.certificateNo} (${input.lab}): errors ${input.errors.qmin} / ${input.errors.qt} / ${input.errors.qmax} % against ±${mpe.qmin} / ±${mpe.qt} / ±${mpe.qmax} %`,
        },
        ctx.actor,
        changes,
      );
      if (!order) throw new AboneError('ABONE_ERR_WORKORDER_CALIBRATION_EXISTS', { certificate: input.certificateNo });
    }
    try {
      const { rows } = await c.query<{ id: number }>(
        `INSERT INTO calibration (meter_serial, calibrated_on, lab, certificate_no, error_qmin, error_qt, error_qmax, mpe_qmin, mpe_qt, mpe_qmax, passed, replacement_order_id, actor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [input.meterSerial, input.calibratedOn, input.lab, input.certificateNo, input.errors.qmin, input.errors.qt, input.errors.qmax, mpe.qmin, mpe.qt, mpe.qmax, passed, order?.id ?? null, actorName(ctx.actor)],
      );
      return { id: rows[0].id, meterSerial: input.meterSerial, calibratedOn: input.calibratedOn, lab: input.lab, certificateNo: input.certificateNo, errors: input.errors, mpe, passed, replacementOrder: order ?? null };
    } catch (err) {
      // Two recordings of one certificate at the same moment: the unique index settles it, the loser rolls back.
      if ((err as { code?: string }).code === '23505') throw new AboneError('ABONE_ERR_WORKORDER_CALIBRATION_EXISTS', { certificate: input.certificateNo });
      throw err;
    }
  });
}

export async function listCalibrations(db: pg.Pool, meterSerial: string): Promise<Array<Omit<Calibration, 'replacementOrder'> & { replacementOrderId: number | null }>> {
  const { rows } = await db.query(
    `SELECT id, meter_serial AS "meterSerial", to_char(calibrated_on, 'YYYY-MM-DD') AS "calibratedOn", lab, certificate_no AS "certificateNo",
            json_build_object('qmin', error_qmin::text, 'qt', error_qt::text, 'qmax', error_qmax::text) AS errors,
            json_build_object('qmin', mpe_qmin::text, 'qt', mpe_qt::text, 'qmax', mpe_qmax::text) AS mpe,
            passed, replacement_order_id AS "replacementOrderId"
     FROM calibration WHERE meter_serial = $1 ORDER BY calibrated_on DESC, id DESC`,
    [meterSerial],
  );
  return rows;
}
