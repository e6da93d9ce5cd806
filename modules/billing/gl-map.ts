/**
 * Where a bill's lines go in the general ledger: charges to the commodity's revenue account, each tax to its
 * payable. Tax codes are free text in a tariff, so the rule is by prefix (KDV…, OTV/ÖTV…, CTV/ÇTV…); a tariff with a
 * tax no account takes is refused when it is stored, not discovered in the middle of a bill run.
 */
import { AboneError } from '../../platform/errors.ts';
import type { GlAccount } from '../ledger/index.ts';
import type { Tariff } from '../../billing-core/index.ts';

export function revenueGl(commodity: string): GlAccount {
  if (commodity === 'gas') return 'revenue.gas';
  if (commodity === 'water') return 'revenue.water';
  return 'revenue.electricity';
}

export function taxGl(code: string): GlAccount | undefined {
  const c = code.toLocaleUpperCase('tr-TR');
  if (c.startsWith('KDV')) return 'kdv_payable';
  if (c.startsWith('OTV') || c.startsWith('ÖTV')) return 'otv_payable';
  if (c.startsWith('CTV') || c.startsWith('ÇTV')) return 'ctv_payable';
  return undefined;
}

export function checkTaxesMapped(tariff: Tariff): void {
  for (const v of tariff.versions) for (const t of v.taxes) if (!taxGl(t.code)) throw new AboneError('ABONE_ERR_TARIFF_TAX_UNMAPPED', { tax: t.code });
}
