/**
 * Bank and PTT: an example client of the channel API (the server side is modules/collections/bank-routes.ts).
 * This file is the integration's only door.
 */
export { BankChannelClient, BankApiError, reconciliationCsv, type ClientOptions, type Debt, type DebtItem, type BankPayment, type ReconciliationLine } from './client.ts';
