/**
 * The accrual's ledger entry computed in whole kuruş equals the decimal computation it replaced (kept here as the
 * oracle), over random bills: amounts of 0 to 13 digits, taxes and charges in any order, zero and negative lines
 * (a discount), a gross of zero or below (no entry), and amounts not written with two places (the decimal path).
 */
import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { accrualEntry } from './accrual-posting.ts';
import { revenueGl, taxGl } from './gl-map.ts';
import { Random } from '../../billing-core/test-fixtures.ts';
import type { BillJson } from '../../billing-core/index.ts';

function oracle(bill: Pick<BillJson, 'lines' | 'totals'>, commodity: string) {
  const gross = new Decimal(bill.totals.gross);
  if (!gross.greaterThan(0)) return undefined;
  const credits = new Map<string, Decimal>();
  const add = (gl: string, amount: string) => credits.set(gl, (credits.get(gl) ?? new Decimal(0)).plus(amount));
  for (const l of bill.lines) add(l.kind === 'tax' ? taxGl(l.component)! : revenueGl(commodity), l.amount);
  const lines: Array<{ gl: string; debit?: string; credit?: string }> = [{ gl: 'receivables', debit: gross.toFixed(2) }];
  for (const [gl, amount] of credits) if (amount.greaterThan(0)) lines.push({ gl, credit: amount.toFixed(2) });
  return lines;
}

function amount(r: Random): string {
  const digits = r.pick([1, 2, 3, 6, 11, 13]);
  const text = r.decimal(10 ** digits, r.pick([2, 2, 2, 2, 0, 1, 3]));
  return r.bool(0.1) ? `-${text}` : text;
}

describe('billing: the accrual\'s ledger entry', () => {
  it('in kuruş equals the decimal computation, over random bills', () => {
    let entries = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const r = new Random(seed);
      const commodity = r.pick(['water', 'gas', 'electricity']);
      const lines = Array.from({ length: r.int(1, 7) }, () => ({ kind: r.pick(['charge', 'tax'] as const), component: r.pick(['KDV', 'ÇTV', 'ÖTV', 'otv-2']), amount: amount(r) }));
      const sum = lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
      const gross = r.bool(0.8) ? sum.toFixed(2) : amount(r);
      const bill = { lines, totals: { net: '0.00', taxes: '0.00', gross } } as unknown as Pick<BillJson, 'lines' | 'totals'>;
      const e = accrualEntry({ id: seed, accountId: 1, subscriptionId: 2, period: '2026-11', lastDay: '2026-11-30', commodity, bill, actor: 'test' });
      assert.deepEqual(e?.lines, oracle(bill, commodity), `seed ${seed}`);
      if (e) entries++;
    }
    assert.ok(entries > 1500, `most bills made an entry (${entries})`);
  });
});
