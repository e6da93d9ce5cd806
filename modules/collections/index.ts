/**
 * Collections (tahsilat): every payment channel — cashier desk, banks and PTT, wire transfers, field devices, direct
 * debit — onto the current account, with the allocation rules, late fees (gecikme zammı) and overpayment credit.
 * This file is the context's only door.
 */
export { takePayment, findPaymentId } from './payments.ts';
export { takePayments } from './payments-batch.ts';
export { cancelPayment, type CancelInput } from './cancel.ts';
export { loadPayment, PAYMENT_COLUMNS, type Payment } from './payment-view.ts';
export { checkPaymentInput, CHANNELS, CHANNEL_GL, type Channel, type PaymentInput } from './payment-input.ts';
export { debtInquiry, type Debt, type DebtLine } from './debt.ts';
export { lateFee, lateFactor, daysLate, principalCovered, type LateFeeRate } from './late-fees.ts';
export { loadRates, lastFeeThrough } from './late-fee-store.ts';
export { orderItems, checkAllocationOrder, ALLOCATION_RULES, DEFAULT_ALLOCATION_ORDER, type ItemToSettle } from './allocation-rules.ts';
export { applyWaitingCredit, markCreditWaiting, sweepWaitingCredits } from './credits.ts';
export { collectionsSettings, collectionsConfig } from './settings.ts';
export { deskRoutes } from './desk-routes.ts';
export { takeDeskPayment, DESK_METHODS, type DeskPayment, type DeskMethod } from './desk.ts';
export { openDrawer, closeDrawer, openDrawerOf, loadDrawer, type Drawer } from './drawers.ts';
export { drawerReport, dailyReport, type DrawerReport, type DailyReport } from './drawer-report.ts';
export { renderReceiptPdf } from './receipt-pdf.ts';
export { bankRoutes } from './bank-routes.ts';
export { registerBankChannel, listBankChannels, channelOfActor, type BankChannel } from './bank-channels.ts';
export { bankDebt, bankPay, bankCancel, bankPaymentByReference, type BankDebt, type BankPayment, type BankPaymentInput } from './bank-payments.ts';
export { reconcile, checkBankLines, type Reconciliation, type Difference, type BankLine } from './reconciliation.ts';
export { parseReconciliationCsv, RECONCILIATION_HEADER } from './reconciliation-csv.ts';
export { createInstalmentPlan, loadInstalmentPlan, listInstalmentPlans, instalmentSchedule, DEFAULT_MISS_LIMIT, DEFAULT_GRACE_DAYS, type InstalmentPlan, type InstalmentPlanInput, type Instalment } from './instalment.ts';
export { payInstalment, reviewInstalmentPlans, cancelInstalmentPlan, type InstalmentPaymentInput } from './instalment-lifecycle.ts';
export { lateFeeHolds, feeStart, type Holds, type HeldItem } from './instalment-shield.ts';
export { createFixedPlan, loadFixedPlan, trueUpFixedPlan, cancelFixedPlan, monthlyFromHistory, accountFlows, TRUE_UP_DUE_DAYS, type FixedPlan, type TrueUp } from './fixed-plan.ts';
export { demandDeposit, loadDeposit, depositOfSubscription, setDepositRate, depositRate, grantDepositExemption, depositExemption, MAX_DEPOSIT_INSTALMENTS, type Deposit, type DepositDemand } from './deposit.ts';
export { carryDeposit, closeDeposit } from './deposit-settlement.ts';
export { runPeriodEndLateFees, type LateFeeRunReport } from './late-fee-run.ts';
export { parseCamt053 } from './camt053.ts';
export { parseCsvStatement, CSV_STATEMENT_COLUMNS } from './csv-statement.ts';
export { type ParsedStatement, type StatementLine } from './statement-line.ts';
export { importStatement, listStatementImports, loadStatementImport, type StatementImport, type StatementImportSummary, type StatementLineReport } from './statement-import.ts';
export { matchLine, referencesIn } from './statement-match.ts';
export { STATEMENT_REASON_CODES, statementReason, type StatementReason, type StatementReasonCode, type StatementReasonParams } from './statement-reasons.ts';
export { listSuspense, loadSuspense, matchSuspense, refundSuspense, type SuspenseItem } from './suspense.ts';
export { syncFieldBatch, assignFieldDevice, type FieldPaymentItem, type FieldItemResult } from './field-sync.ts';
export { requestOrder, approveOrder, activateOrder, cancelOrder, loadOrder, type DirectDebitOrder, type OrderStatus } from './direct-debit.ts';
export { listOrders, listCollectionLists, type CollectionListSummary, type CollectionListTotals } from './direct-debit-reads.ts';
export { buildCollectionList, loadCollectionList, importResults, type CollectionList, type ResultLine, type ResultAnswer } from './direct-debit-list.ts';
export { statementRoutes } from './statement-routes.ts';
export { fieldSyncRoutes } from './field-sync-routes.ts';
export { directDebitRoutes } from './direct-debit-routes.ts';
export { planRoutes } from './plan-routes.ts';
export { dunningRoutes } from './dunning-routes.ts';
export { runDunning, loadSteps as dunningSteps, type DunningReport } from './dunning.ts';
export { dueStep, type DunningStep, type DunningCase } from './dunning-steps.ts';
