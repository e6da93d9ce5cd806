/**
 * The web console (`web/`) served by the API's own Fastify on the same port: the built files of `web/dist`, with any
 * other path that is not the API falling back to `index.html` so the browser's own router can answer a reload of
 * `/meters/G-1`. The console is public to load (it holds no data); everything it shows comes from guarded API routes.
 *
 * `npm start` is the only command an operator runs, so the first start builds the console when `web/dist` is missing
 * or older than its sources (`ensureWebBuilt`); a build is a child `vite build` into a fresh folder that is swapped in
 * whole, so a browser never sees half an old and half a new bundle.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import fastifyStatic from '@fastify/static';
import { defineSettings, loadSettings, setting } from '../../platform/config.ts';
import { contextLogger } from '../../platform/logger.ts';
import type { App } from './app.ts';

const log = contextLogger('web');
export const WEB_ROOT = path.resolve(import.meta.dirname, '../../web');
export const WEB_DIST = path.join(WEB_ROOT, 'dist');
/** Written last by a build: its time is when the bundle in `dist` was made from the sources. */
const STAMP = '.built';

const TileUrl = z
  .string()
  .regex(/^(https?:\/\/|\/)/, 'an http(s) URL or a path on this server')
  .refine((u) => ['{z}', '{x}', '{y}'].every((p) => u.includes(p)), 'a tile template with {z}, {x} and {y}');

export const webSettings = defineSettings('web', {
  mapTileUrl: setting('ABONE_MAP_TILE_URL', TileUrl.optional(), undefined, 'raster tile template ({z}/{x}/{y}) of your own GIS for the console maps; unset: offline province outlines only'),
});

/** What the browser needs to know before login: nothing secret, so it is public. */
export interface WebConfig {
  mapTileUrl: string | null;
}

export function webRoutes(app: App, deps: { dist?: string } = {}): void {
  const dist = deps.dist ?? WEB_DIST;
  const settings = loadSettings(webSettings);

  app.get('/api/v1/web-config', { config: { permission: 'public' }, schema: { summary: 'Settings the web console reads at load (map tiles)' } }, async (): Promise<WebConfig> => ({
    mapTileUrl: settings.mapTileUrl ?? null,
  }));

  // Its own scope: @fastify/static decorates the reply with sendFile here only (Swagger UI registers its own copy).
  void app.register(async (scope) => {
    await scope.register(fastifyStatic, { root: dist, serve: false });
    scope.get('/*', { config: { permission: 'public' }, schema: { hide: true } }, async (req, reply) => {
      const url = req.url.split('?')[0];
      // The API and the operational endpoints keep their JSON 404; only screens fall back to the console.
      if (/^\/(api|docs|health|metrics)(\/|$)/.test(url)) return reply.callNotFound();
      if (!existsSync(path.join(dist, 'index.html'))) {
        return reply.status(503).type('text/plain; charset=utf-8').send('The web console is not built yet: `npm start` builds it, or run `npm run build:web`.\n');
      }
      let file: string;
      try {
        file = decodeURIComponent(url).replace(/^\/+/, '');
      } catch {
        return reply.callNotFound();
      }
      const asset = file && !file.includes('..') && !file.endsWith('/') && (await isFile(path.join(dist, file)));
      if (asset) {
        // Hashed bundle names never change content: cache them for good; the rest is small and asked every time.
        if (file.startsWith('assets/')) return reply.sendFile(file, { maxAge: '365d', immutable: true });
        return reply.header('cache-control', 'no-cache').sendFile(file, { cacheControl: false });
      }
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  });
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

/** The newest modification time of the console's sources (everything under web/ but its build and tests). */
async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (['dist', 'node_modules', 'screenshots'].includes(e.name) || e.name.startsWith('.dist-') || e.name.endsWith('.test.ts')) continue;
    const p = path.join(dir, e.name);
    const t = e.isDirectory() ? await newestSource(p) : (await stat(p)).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** Builds `web/dist` when it is missing or older than the sources; returns whether it built. */
export async function ensureWebBuilt(root = WEB_ROOT): Promise<boolean> {
  const dist = path.join(root, 'dist');
  const built = await stat(path.join(dist, STAMP)).then((s) => s.mtimeMs, () => 0);
  if (built && built >= (await newestSource(root))) return false;
  const started = Date.now();
  log.info({ reason: built ? 'sources changed' : 'not built' }, 'building the web console');
  const out = path.join(root, `.dist-${process.pid}`);
  await rm(out, { recursive: true, force: true });
  await viteBuild(root, out);
  await writeFile(path.join(out, STAMP), new Date().toISOString() + '\n');
  // Swap the whole folder: another process building at the same time only ever replaces one complete bundle with another.
  const old = path.join(root, `.dist-old-${process.pid}`);
  await rename(dist, old).catch(() => undefined);
  await rename(out, dist);
  await rm(old, { recursive: true, force: true });
  log.info({ ms: Date.now() - started }, 'web console built');
  return true;
}

function viteBuild(root: string, outDir: string): Promise<void> {
  const vite = path.resolve(import.meta.dirname, '../../node_modules/vite/bin/vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', path.join(root, 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build failed (exit ${code}):\n${output.slice(-4000)}`))));
  });
}
