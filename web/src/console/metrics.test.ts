/** The ingest rate read from Prometheus text, as `/metrics` serves it (headend/metrics.ts). */
import assert from 'node:assert/strict';
import { counterValue, ratePerSecond } from './metrics.ts';

const TEXT = `# HELP abone_ingest_readings_written_total Readings stored
# TYPE abone_ingest_readings_written_total counter
abone_ingest_readings_written_total 1164
abone_ingest_readings_written_total_extra 5
abone_ingest_rejected_total{reason="schema"} 3
`;

describe('web console: ingest rate from /metrics', () => {
  it('reads a counter by its exact name, labels or not', () => {
    assert.equal(counterValue(TEXT, 'abone_ingest_readings_written_total'), 1164);
    assert.equal(counterValue(TEXT, 'abone_ingest_rejected_total'), 3);
    assert.equal(counterValue(TEXT, 'abone_missing'), null);
  });

  it('is the rise over the seconds between samples: 1164 -> 1248 in 5 s is 16.8/s', () => {
    assert.equal(ratePerSecond({ at: 10_000, value: 1164 }, { at: 15_000, value: 1248 }), 16.8);
  });

  it('has no rate for the first sample or across a server restart (counter went down)', () => {
    assert.equal(ratePerSecond(undefined, { at: 1, value: 5 }), null);
    assert.equal(ratePerSecond({ at: 1_000, value: 900 }, { at: 2_000, value: 12 }), null);
  });
});
