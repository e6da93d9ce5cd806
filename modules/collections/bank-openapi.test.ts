/**
 * The channel API's contract as a bank's integration team gets it: the `/api/v1/bank/*` part of the app's OpenAPI
 * document (generated from the routes' zod schemas), kept in docs/collections-bank-openapi.json. This test fails
 * when the routes and the file differ; `ABONE_WRITE_OPENAPI=1` rewrites the file.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import type { App } from '../../server/index.ts';

const FILE = new URL('../../docs/collections-bank-openapi.json', import.meta.url);

/** The bank's part of the whole document: its paths, with the bearer token as their security. */
export function bankOpenApi(doc: any): unknown {
  const paths = Object.fromEntries(Object.entries(doc.paths as Record<string, unknown>).filter(([p]) => p.startsWith('/api/v1/bank/')).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: doc.openapi,
    info: {
      title: 'Abone bank and PTT channel API',
      version: doc.info.version,
      description: 'Debt inquiry, payment, cancellation and daily reconciliation for collecting banks and the PTT. Every call carries the channel\'s API token: `Authorization: Bearer <token>`. Errors are `{ code, message }` with the codes listed in docs/collections.md. Generated from the routes by modules/collections/bank-openapi.test.ts.',
    },
    components: { securitySchemes: { bankToken: { type: 'http', scheme: 'bearer', description: 'the API token issued when the channel was registered' } } },
    security: [{ bankToken: [] }],
    paths,
  };
}

describe('collections: the bank channel OpenAPI document', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('documents every bank route with its schema and summary, as docs/collections-bank-openapi.json says', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(res.statusCode, 200);
    const doc = bankOpenApi(res.json()) as { paths: Record<string, Record<string, { summary?: string }>> };
    assert.deepEqual(Object.keys(doc.paths), [
      '/api/v1/bank/cancellations',
      '/api/v1/bank/payments',
      '/api/v1/bank/payments/{reference}',
      '/api/v1/bank/reconciliation',
      '/api/v1/bank/reconciliation.csv',
      '/api/v1/bank/subscribers/{subscriberNo}/debt',
    ]);
    for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) assert.ok(op.summary, `${method} ${path} has a summary`);
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (process.env.ABONE_WRITE_OPENAPI === '1') await writeFile(FILE, text);
    assert.equal(await readFile(FILE, 'utf8').catch(() => ''), text, 'docs/collections-bank-openapi.json is out of date: run this test with ABONE_WRITE_OPENAPI=1');
  });
});
