import { z } from 'zod';
import { defineSettings, int, loadSettings, setting } from '../../platform/config.ts';
import { ALLOCATION_RULES, DEFAULT_ALLOCATION_ORDER } from './allocation-rules.ts';

const ruleList = z
  .string()
  .transform((s) => s.split(',').map((r) => r.trim()).filter(Boolean))
  .refine((rules) => rules.length > 0 && rules.every((r) => r in ALLOCATION_RULES) && new Set(rules).size === rules.length, {
    message: `a comma-separated list of distinct rules among ${Object.keys(ALLOCATION_RULES).join(', ')}`,
  });

export const collectionsSettings = defineSettings('collections', {
  allocationOrder: setting('ABONE_COLLECTIONS_ALLOCATION_ORDER', ruleList, DEFAULT_ALLOCATION_ORDER, 'the order in which a payment settles open items, as rules tried in turn (see docs/collections.md)'),
  creditSweepSeconds: setting('ABONE_COLLECTIONS_CREDIT_SWEEP_SECONDS', int(5, 86_400), 300, 'how often a worker applies overpayments (credits waiting) to items that appeared since'),
});

let loaded: ReturnType<typeof loadSettings<typeof collectionsSettings>> | undefined;
export const collectionsConfig = () => (loaded ??= loadSettings(collectionsSettings));
