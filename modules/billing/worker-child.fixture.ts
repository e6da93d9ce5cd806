/** A bill-run worker in its own process, for the crash test: tells its parent after each committed shard. */
import { createPool } from '../../platform/db/pool.ts';
import { runWorker } from './shard-worker.ts';
import { CHILD_APPLICATION_NAME } from './worker-child-name.ts';

const [url, runId] = process.argv.slice(2);
const pool = createPool(url, 3, CHILD_APPLICATION_NAME);
await runWorker(pool, Number(runId), { worker: 'child', onShard: (shardNo) => process.send?.({ shardNo }) });
await pool.end();
