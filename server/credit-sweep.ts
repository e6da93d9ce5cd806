/**
 * Workers apply overpayments to the bills that appeared since (collections' waiting credit), so a bill run needs to
 * know nothing about payments: its new items are settled by money already on the account within a sweep interval.
 */
import type pg from 'pg';
import { localDate } from '../platform/calendar.ts';
import { contextLogger } from '../platform/logger.ts';
import { collectionsConfig, sweepWaitingCredits } from '../modules/collections/index.ts';
import { startPeriodic } from './periodic.ts';

const log = contextLogger('credit-sweep');

export function startCreditSweep(pool: pg.Pool): { stop(): Promise<void> } {
  return startPeriodic('credit-sweep', collectionsConfig().creditSweepSeconds * 1000, async () => {
    const settled = await sweepWaitingCredits(pool, localDate(Date.now()));
    if (settled) log.info({ accounts: settled }, 'waiting credit applied to new items');
  });
}
