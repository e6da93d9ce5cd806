import assert from 'node:assert/strict';
import { billingPeriod, billingPeriodOf, daysBetween, dueDate, localDate, splitByLocalDays } from './calendar.ts';

describe('business calendar (Europe/Istanbul)', () => {
  it('puts an instant on its Istanbul date', () => {
    assert.equal(localDate(Date.parse('2026-01-31T20:59:59Z')), '2026-01-31');
    assert.equal(localDate(Date.parse('2026-01-31T21:00:00Z')), '2026-02-01');
  });

  it('builds billing periods as local months', () => {
    const feb = billingPeriod(2028, 2);
    assert.equal(feb.days, 29); // leap year
    assert.equal(feb.start.toISOString(), '2028-01-31T21:00:00.000Z');
    assert.equal(billingPeriodOf(Date.parse('2026-11-30T21:30:00Z')).id, '2026-12');
    assert.equal(daysBetween('2026-11-01', '2026-12-01'), 30);
  });

  it('moves due dates past weekends and public holidays', () => {
    // 2026-10-29 (Republic Day) is a Thursday holiday: +0 days from it lands on Friday the 30th.
    assert.equal(dueDate('2026-10-29', 0), '2026-10-30');
    // 2026-11-28 is a Saturday: due on Monday the 30th.
    assert.equal(dueDate('2026-11-20', 8), '2026-11-30');
    assert.equal(dueDate('2026-11-20', 3, new Set(['2026-11-23'])), '2026-11-24');
  });

  it('splits a span into local days', () => {
    const parts = splitByLocalDays(new Date('2026-01-01T18:00:00Z'), new Date('2026-01-02T03:00:00Z'));
    assert.deepEqual(parts.map((p) => p.date), ['2026-01-01', '2026-01-02']);
    assert.equal(parts[0].end.toISOString(), '2026-01-01T21:00:00.000Z');
  });
});
