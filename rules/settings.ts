import { z } from 'zod';
import { defineSettings, setting, int, bool } from '../platform/config.ts';

const ESCALATION = /^critical=\d{1,6},major=\d{1,6},minor=\d{1,6},warning=\d{1,6}$/;

export const rulesSettings = defineSettings('rules', {
  enabled: setting('ABONE_RULES_ENABLED', bool(), true, 'run the rules engine on the ingest processes (alarms from the reading stream)'),
  reloadMs: setting('ABONE_RULES_RELOAD_MS', int(100, 600_000), 2000, 'how often the engine checks for new rule versions and new meters (no restart needed)'),
  sweepMs: setting('ABONE_RULES_SWEEP_MS', int(100, 3_600_000), 30_000, 'how often the no-data clock runs and idle meters are evicted'),
  idleEvictMinutes: setting('ABONE_RULES_IDLE_EVICT_MINUTES', int(1, 525_600), 1440, 'a meter silent this long leaves the engine\'s memory (longer no-data graces keep it)'),
  maxMeters: setting('ABONE_RULES_MAX_METERS', int(1000, 50_000_000), 2_000_000, 'most meters whose state the engine keeps in memory; the oldest are evicted beyond it'),
  rebuildHours: setting('ABONE_RULES_REBUILD_HOURS', int(0, 24 * 31), 26, 'hours of stored readings replayed at start-up to rebuild per-meter state (0: none)'),
  flushMs: setting('ABONE_ALARMS_FLUSH_MS', int(1, 10_000), 50, 'alarm transitions are written in batches at most this often'),
  flushMax: setting('ABONE_ALARMS_FLUSH_MAX', int(1, 100_000), 2000, 'most alarm transitions in one write'),
  holdoffSeconds: setting('ABONE_ALARMS_HOLDOFF_SECONDS', int(0, 604_800), 900, 'flap suppression: an alarm raised again within this long (reading time) of its auto-clear is reopened, not new'),
  escalateMinutes: setting(
    'ABONE_ALARMS_ESCALATE_MINUTES',
    z.string().regex(ESCALATION, 'critical=<min>,major=<min>,minor=<min>,warning=<min>'),
    'critical=15,major=60,minor=240,warning=1440',
    'an alarm unacknowledged this many minutes after it opened is escalated, per severity (critical=15,major=60,minor=240,warning=1440)',
  ),
  escalateEveryMs: setting('ABONE_ALARMS_ESCALATE_EVERY_MS', int(100, 3_600_000), 30_000, 'how often unacknowledged alarms are checked for escalation'),
});

/** Minutes per severity from `critical=15,major=60,...`. */
export function parseEscalation(s: string): Record<'critical' | 'major' | 'minor' | 'warning', number> {
  return Object.fromEntries(s.split(',').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)])) as Record<'critical' | 'major' | 'minor' | 'warning', number>;
}
