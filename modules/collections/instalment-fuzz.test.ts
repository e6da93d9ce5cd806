/**
 * Fuzzing the plan and deposit entry points: random and mutated inputs never throw anything but an AboneError, and a
 * refused call writes nothing (ledger rows and plan rows unchanged).
 */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { AboneError } from '../../platform/errors.ts';
import { ledgerRowCounts } from '../ledger/test-fixtures.ts';
import { cancelInstalmentPlan, createFixedPlan, createInstalmentPlan, demandDeposit, payInstalment, runPeriodEndLateFees, trueUpFixedPlan } from './index.ts';
import { accountWithBills } from './test-fixtures.ts';

/** A small seeded generator, so a failure replays. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const WEIRD: unknown[] = [undefined, null, '', ' ', 0, -1, 1.5, 2 ** 53, NaN, 'NaN', '2026-02-30', '2026-1-1', '31.01.2026', '1e3', '-5', '0.001', 'x'.repeat(600), '\u0000', [], [0], [1, 1], {}, true, '9999-12-31', '0001-01-01'];

describe('collections: plan and deposit inputs under fuzzing', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(async () => db.drop());

  it('answers 3 × 600 mutated calls with AboneErrors only and writes nothing when it refuses', async () => {
    const { accountId, itemIds } = await accountWithBills(db.pool, 'FUZZ-1', [{ amount: '100.00', dueDate: '2026-01-05' }]);
    const valid = { accountId, itemIds, instalments: 2, firstDueDate: '2026-03-01', businessDate: '2026-02-01' };
    for (const seed of [20261128, 7, 4711]) {
      const next = rng(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
      const mutate = (base: Record<string, unknown>) => {
        const copy: Record<string, unknown> = { ...base };
        const keys = [...Object.keys(base), 'kind', 'enforcementFile', 'missLimit', 'graceDays', 'monthlyAmount', 'yearStart', 'subscriptionId', 'planId', 'amount', 'periodEnd', 'reason'];
        for (let n = 1 + Math.floor(next() * 3); n > 0; n--) copy[pick(keys)] = pick(WEIRD);
        return copy;
      };
      const calls: Array<(input: any) => Promise<unknown>> = [
        (i) => createInstalmentPlan(db.pool, i),
        (i) => createFixedPlan(db.pool, i),
        (i) => demandDeposit(db.pool, i),
        (i) => payInstalment(db.pool, { channel: 'cash', source: 'desk:X', reference: 'FUZZ', ...i }),
        (i) => cancelInstalmentPlan(db.pool, i),
        (i) => trueUpFixedPlan(db.pool, i),
        (i) => runPeriodEndLateFees(db.pool, i),
      ];
      const rows = async () => ({ ledger: await ledgerRowCounts(db.pool), plans: (await db.pool.query('SELECT (SELECT count(*) FROM collections_instalment_plan) + (SELECT count(*) FROM collections_fixed_plan) + (SELECT count(*) FROM collections_deposit) AS n')).rows[0].n });
      for (let i = 0; i < 600; i++) {
        const input = mutate(valid);
        const call = calls[i % calls.length];
        const before = await rows();
        try {
          await call(input);
        } catch (err) {
          assert.ok(err instanceof AboneError, `call ${i % calls.length} with ${JSON.stringify(input)} threw ${String(err)}`);
          assert.deepEqual(await rows(), before, `call ${i % calls.length} with ${JSON.stringify(input)} wrote before refusing`);
        }
      }
    }
  });
});
