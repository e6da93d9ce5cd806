/**
 * Missing interval points: ≤ 2 hours between two readings are interpolated linearly; longer holes, holes at the edge
 * of the period and missing days come from like days (same weekday and hour, from the period and the history). The
 * estimated part shows on the bill lines as a share.
 */
import assert from 'node:assert/strict';
import { parseTariff, rate } from './index.ts';
import { daily, hourly } from './test-fixtures.ts';
import { AboneError } from '../platform/errors.ts';

const flat = parseTariff({ code: 'E', commodity: 'electricity', unit: 'kWh', versions: [{ from: '2026-01-01', components: [{ type: 'flat', code: 'ENERJI', unit: 'kWh', price: '1' }] }] });
const day = { unit: 'kWh', from: '2026-03-02', to: '2026-03-03', resolution: 'hour' } as const; // a Monday
const hourOf = (ts: string) => new Date(ts).getUTCHours() + 3; // Istanbul is UTC+3 all year
const oneToTwentyFour = (skipHours: number[]) => hourly(day.from, day.to, (h) => String(h + 1), (ts) => skipHours.includes(hourOf(ts) % 24));

describe('billing-core estimation', () => {
  it('interpolates a two-hour hole between its neighbours and marks it', () => {
    const bill = rate(flat, { ...day, intervals: oneToTwentyFour([5, 6]) });
    // hours 4 and 7 read 5 and 8: the hole becomes 6 and 7, so the day still sums to 1 + 2 + … + 24 = 300
    assert.equal(bill.lines[0].quantity, '300');
    assert.equal(bill.lines[0].estimated, true);
    assert.equal(bill.lines[0].estimatedShare, '0.0433'); // 13 / 300
    assert.equal(bill.consumption.estimated, '0.0433');
  });

  it('takes a three-hour hole from the same weekday and hours of the history', () => {
    const history = [
      ...hourly('2026-02-23', '2026-02-24', (h) => String(h - 8)).filter((p) => [10, 11, 12].includes(hourOf(p.ts))), // Monday 23 Feb: 2, 3, 4
      ...hourly('2026-02-16', '2026-02-17', (h) => String(h - 6)).filter((p) => [10, 11, 12].includes(hourOf(p.ts))), // Monday 16 Feb: 4, 5, 6
    ].map(({ ts, value }) => ({ ts, value }));
    const bill = rate(flat, { ...day, intervals: oneToTwentyFour([10, 11, 12]), history });
    // like-day averages 3, 4, 5 (= 12) replace 11 + 12 + 13 (= 36): 300 − 36 + 12
    assert.equal(bill.lines[0].quantity, '276');
    assert.equal(bill.lines[0].estimatedShare, '0.0435'); // 12 / 276
  });

  it('a one-hour hole at the edge has no neighbour on one side: like days, here the mean of the day', () => {
    const bill = rate(flat, { ...day, intervals: oneToTwentyFour([0]) });
    assert.equal(bill.lines[0].quantity, '312'); // hours 2…24 sum to 299, their mean 13 fills hour 1
  });

  it('a missing day comes from the same weekday of the history', () => {
    const week = { unit: 'kWh', from: '2026-03-02', to: '2026-03-09', resolution: 'day' } as const;
    const intervals = daily(week.from, week.to, () => '10', (d) => d === '2026-03-04');
    const history = [...daily('2026-02-25', '2026-02-26', () => '14'), ...daily('2026-02-18', '2026-02-19', () => '16'), ...daily('2026-02-19', '2026-02-20', () => '99')];
    const bill = rate(flat, { ...week, intervals, history });
    assert.equal(bill.lines[0].quantity, '75'); // six days of 10 and the Wednesday at (14 + 16) / 2; Thursday's 99 plays no part
    assert.equal(bill.lines[0].estimatedShare, '0.2000');
  });

  it('points the source already marked estimated count as estimated', () => {
    const intervals = hourly(day.from, day.to, () => '1').map((p, i) => (i < 6 ? { ...p, estimated: true } : p));
    assert.equal(rate(flat, { ...day, intervals }).lines[0].estimatedShare, '0.2500');
  });

  it('an estimated register read marks the whole quantity', () => {
    const bill = rate(flat, { unit: 'kWh', from: '2026-03-01', to: '2026-04-01', reads: { start: '10', end: '110', estimated: true } });
    assert.deepEqual([bill.lines[0].quantity, bill.lines[0].estimated, bill.lines[0].estimatedShare], ['100', true, '1.0000']);
  });

  it('with no reading and no history there is nothing to estimate from: refused', () => {
    assert.throws(() => rate(flat, { ...day, intervals: [] }), (err: unknown) => err instanceof AboneError && err.code === 'ABONE_ERR_BILLING_USAGE_INVALID' && err.params.path === 'intervals');
  });
});
