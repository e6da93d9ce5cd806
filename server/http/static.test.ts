/**
 * The web console served by the API's Fastify: files, the SPA fallback for screens, the API's own 404 kept, no way out
 * of the build folder, and a build on start only when the sources changed.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { createApp, type App } from '../index.ts';
import { ensureWebBuilt, webRoutes, WEB_ROOT } from './static.ts';

const TMP = path.resolve(import.meta.dirname, `../../.tmp/web-static-${process.pid}`);

describe('web console served on the API port', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let app: App;
  const dist = path.join(TMP, 'dist');

  before(async () => {
    db = await createTestDatabase();
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>Abone</title>');
    await writeFile(path.join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(path.join(TMP, 'secret.txt'), 'outside the build');
    app = await createApp(db.pool);
    webRoutes(app, { dist });
    await app.ready();
  });
  after(async () => {
    await app.close();
    await db.drop();
    await rm(TMP, { recursive: true, force: true });
  });

  it('serves index.html at / and for any screen path, never cached', async () => {
    for (const url of ['/', '/meters', '/meters/G-%C4%B0ZM-1', '/map?x=1']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.body, '<!doctype html><title>Abone</title>');
    }
  });

  it('serves hashed assets for a year, immutable', async () => {
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, 'console.log(1)');
    assert.match(res.headers['content-type'] as string, /javascript/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('keeps the JSON 404 of the API and the operational paths', async () => {
    for (const url of ['/api/v1/no-such-thing', '/api', '/docs/nothing-here', '/health/x']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.json().code, 'ABONE_ERR_HTTP_NOT_FOUND', url);
    }
  });

  it('never serves a file outside the build folder', async () => {
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%E0%A4%A']) {
      const res = await app.inject({ url });
      assert.ok(!res.body.includes('outside the build'), url);
    }
  });

  it('tells the browser the map tile setting, public', async () => {
    const res = await app.inject({ url: '/api/v1/web-config' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { mapTileUrl: null });
  });

  it('answers 503 with a hint while the console is not built', async () => {
    const bare = await createApp(db.pool);
    webRoutes(bare, { dist: path.join(TMP, 'nothing') });
    const res = await bare.inject({ url: '/meters' });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm start/);
    await bare.close();
  });

  it('builds on start when missing or older than the sources, and not otherwise', async () => {
    const root = path.join(TMP, 'web');
    for (const f of ['index.html', 'vite.config.ts', 'tsconfig.json', 'src']) await cp(path.join(WEB_ROOT, f), path.join(root, f), { recursive: true });
    assert.equal(await ensureWebBuilt(root), true);
    const built = await stat(path.join(root, 'dist', 'index.html'));
    assert.ok(built.size > 0);
    assert.equal(await ensureWebBuilt(root), false);
    const edited = new Date((await stat(path.join(root, 'dist', '.built'))).mtimeMs + 1); // a source edited just after the build
    await utimes(path.join(root, 'src', 'turkish.ts'), edited, edited);
    assert.equal(await ensureWebBuilt(root), true);
    assert.equal(await ensureWebBuilt(root), false);
  });
});
