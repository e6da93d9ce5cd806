// Mocha global fixture: the embedded test PostgreSQL (when one was started) and the template database go away at the end.
import { stopTestServer } from './db.ts';

export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestServer();
}
