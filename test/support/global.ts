// Mocha global fixture. At the end of the run: the embedded test PostgreSQL (when one was started) and the template
// database go away, and the run's log is scanned: a full TCKN or IBAN in any line fails the run.
import { existsSync } from 'node:fs';
import { stopTestServer } from './db.ts';
import { scanForPersonalData } from './log-scan.ts';

export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestServer();
  const file = process.env.ABONE_LOG_FILE;
  if (!file || !existsSync(file)) return;
  const { lines, leaks } = scanForPersonalData([file]);
  console.log(`log scan: ${lines} log lines of this run checked for personal data, ${leaks.length} leaks (${file})`);
  if (leaks.length) {
    console.error(leaks.slice(0, 20).join('\n'));
    process.exitCode = 1;
  }
}
