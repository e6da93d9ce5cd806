/**
 * Billing: tariffs stored as data, accruals (tahakkuk) rated by billing-core from the head-end's rollups, bill runs
 * split into shards that worker processes claim, outsorting of implausible bills, and corrections by reversal and
 * re-accrual. Accruals post to the current account through modules/ledger's door. This file is the only door.
 */
export { billingRoutes } from './routes.ts';
export { createTariff, addTariffVersion, loadTariff, listTariffs, type StoredTariff } from './tariff-store.ts';
export { billingMonth, type BillingMonth } from './billing-month.ts';
export { startRun, openRun, planRun, runProgress, listRuns, DEFAULT_SHARD_SIZE, type RunProgress } from './runs.ts';
export { runWorker, claimShard, workShard, newWorkerName, type WorkerOptions } from './shard-worker.ts';
export { releaseAccrual, rerateAccrual, reverseAndReaccrue } from './corrections.ts';
export { loadAccrual, outsortedAccruals, subscriptionAccruals, type AccrualView } from './accrual-reads.ts';
export { outsortReason, AVERAGE_FACTOR, type OutsortReason } from './outsort.ts';
export { billRunCommand, progressLine } from './bill-run-cli.ts';
export { setGasFactor, listGasFactors, type GasFactor } from './gas-factors.ts';
export { gasFactorRoutes } from './gas-factor-routes.ts';
