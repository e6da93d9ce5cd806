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

// Tax codes are few and repeat on every bill; toLocaleUpperCase('tr-TR') is costly enough to remember its answer.
const taxGls = new Map<string, GlAccount | undefined>();

export function taxGl(code: string): GlAccount | undefined {
  if (taxGls.has(code)) return taxGls.get(code);
  const c = code.toLocaleUpperCase('tr-TR');
  let gl: GlAccount | undefined;
  if (c.startsWith('KDV')) gl = 'kdv_payable';
  else if (c.startsWith('OTV') || c.startsWith('ÖTV')) gl = 'otv_payable';
  else if (c.startsWith('CTV') || c.startsWith('ÇTV')) gl = 'ctv_payable';
  if (taxGls.size < 1000) taxGls.set(code, gl);
  return gl;
}

export function checkTaxesMapped(tariff: Tariff): void {
  for (const v of tariff.versions) for (const t of v.taxes) if (!taxGl(t.code)) throw new AboneError('ABONE_ERR_TARIFF_TAX_UNMAPPED', { tax: t.code });
}
