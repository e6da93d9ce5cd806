import { z } from 'zod';
import { defineSettings, int, setting } from '../../platform/config.ts';

export const ledgerSettings = defineSettings('ledger', {
  dueDays: setting('ABONE_LEDGER_DUE_DAYS', int(0, 365), 15, 'days from the end of a billing period to the due date of its accrual (moved to the next business day, Europe/Istanbul)'),
  invoicePrefix: setting('ABONE_LEDGER_INVOICE_PREFIX', z.string().regex(/^[A-Z]{3}$/, 'three upper-case letters'), 'ABN', 'three letters before the year in invoice numbers (ABN2026000001)'),
  invoiceIssuer: setting('ABONE_LEDGER_INVOICE_ISSUER', z.string().min(1).max(200), 'Abone Dağıtım A.Ş., İstanbul', 'the issuing utility as printed at the top of an invoice'),
});
