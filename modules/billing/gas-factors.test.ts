/** The month's gas factors: set and corrected until a bill run of the month priced with them; bad values refused. */
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { listGasFactors, setGasFactor, startRun } from './index.ts';

describe('billing: gas factors of a month', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  before(async () => (db = await createTestDatabase()));
  after(() => db.drop());

  it('sets a factor, corrects it before billing, and refuses a change once a bill run of the month exists', async () => {
    await setGasFactor(db.pool, { period: '2026-10', ilKey: '*', correctionFactor: '0.987', calorificValue: '9250' });
    const corrected = await setGasFactor(db.pool, { period: '2026-10', ilKey: '*', correctionFactor: '0.9865', calorificValue: '9240.5' });
    assert.deepEqual(corrected, { period: '2026-10', ilKey: '*', correctionFactor: '0.986500', calorificValue: '9240.50' });
    await setGasFactor(db.pool, { period: '2026-10', ilKey: 'ankara', correctionFactor: '0.9120', calorificValue: '9155' });
    assert.deepEqual((await listGasFactors(db.pool, '2026-10')).map((f) => [f.ilKey, f.correctionFactor]), [['*', '0.986500'], ['ankara', '0.912000']]);
    await startRun(db.pool, { period: '2026-10', actor: 'test' });
    await assert.rejects(setGasFactor(db.pool, { period: '2026-10', ilKey: '*', correctionFactor: '1.0', calorificValue: '9250' }), { code: 'ABONE_ERR_BILLING_GAS_FACTOR_USED' });
    assert.equal((await listGasFactors(db.pool, '2026-10'))[0].correctionFactor, '0.986500');
  });

  it('refuses malformed factors by name and stores nothing', async () => {
    const bad = [
      { period: '2026-13', ilKey: '*', correctionFactor: '0.98', calorificValue: '9250' },
      { period: '2026-11', ilKey: 'Ankara', correctionFactor: '0.98', calorificValue: '9250' },
      { period: '2026-11', ilKey: '*', correctionFactor: '0', calorificValue: '9250' },
      { period: '2026-11', ilKey: '*', correctionFactor: '0,98', calorificValue: '9250' },
      { period: '2026-11', ilKey: '*', correctionFactor: '0.98', calorificValue: '925' },
    ];
    for (const f of bad) await assert.rejects(setGasFactor(db.pool, f), { code: 'ABONE_ERR_BILLING_GAS_FACTOR_INVALID' }, JSON.stringify(f));
    assert.deepEqual(await listGasFactors(db.pool, '2026-11'), []);
  });
});
