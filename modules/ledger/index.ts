/**
 * The current account (cari hesap): append-only double-entry postings, open items and their settlement, balances,
 * aging, bulk invoices and their PDF. The database enforces balance and immutability; every service takes the pool
 * or a client inside the caller's transaction. This file is the context's only door.
 */
export { ledgerRoutes } from './routes.ts';
export { ledgerSettings } from './settings.ts';
export { GL_ACCOUNTS, type GlAccount, type EntryKind, type PostableKind } from './chart.ts';
export { openAccount, accountForSubscription, requireAccount, type Account } from './accounts.ts';
export { postEntry, loadEntry, type PostedEntry, type PostedLine, type OpenedItem } from './entries.ts';
export type { EntryInput, LineInput, ItemInput } from './entry-rules.ts';
export { reverseEntry, type ReversalInput } from './reversal.ts';
export { postEntries, openAccounts, type BulkPosted } from './bulk-post.ts';
export { allocate, allocateMany, allocateBulk, type Allocation, type AllocationInput, type Settlement, type SourceSettlements } from './allocation.ts';
export { balance, openItems, openItemsOf, unallocatedCredits, statement, creditSettlements, type CreditSettlements, type Balance, type OpenItem, type UnallocatedCredit, type Statement } from './reads.ts';
export { aging, AGING_BUCKETS, type Aging, type AgingBucket } from './aging.ts';
export { createInvoice, loadInvoice, type Invoice } from './invoices.ts';
export { renderInvoicePdf } from './invoice-pdf.ts';
export { lockAccount, type Db } from './db.ts';
export { lockAccounts } from './account-locks.ts';
export { overdueAccrualItems, overdueAccounts, type OverdueItem } from './overdue-items.ts';
