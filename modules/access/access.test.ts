import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp, TEST_LOGIN_POLICY } from '../../test/support/app.ts';
import { sessionAs, TEST_PASSWORD } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { SESSION_COOKIE } from './index.ts';

describe('access control: login, sessions, tokens, throttling, audit', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let admin: { cookie: string; username: string };
  const count = async (table: string) => (await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n as number;
  const login = (username: string, password: string, ip = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });

  before(async () => {
    db = await createTestDatabase();
    app = await buildTestApp(db.pool);
    admin = await sessionAs(app, db.pool, [{ role: 'admin' }]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('stores passwords as argon2id, never as given', async () => {
    const { rows } = await db.pool.query('SELECT password_hash FROM app_user WHERE username = $1', [admin.username]);
    assert.match(rows[0].password_hash, /^\$argon2id\$/);
    assert.ok(!rows[0].password_hash.includes(TEST_PASSWORD));
  });

  it('answers hostile login input with clear errors and changes nothing', async () => {
    const users = await count('app_user');
    const sessions = await count('user_session');
    const tries: Array<[unknown, number, string]> = [
      [{ username: "admin' OR '1'='1", password: "' OR '1'='1" }, 401, 'ABONE_ERR_AUTH_INVALID_CREDENTIALS'],
      [{ username: "x'; DROP TABLE app_user; --", password: 'x' }, 401, 'ABONE_ERR_AUTH_INVALID_CREDENTIALS'],
      [{ username: 'a'.repeat(10_000), password: 'x' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ username: admin.username, password: 'p'.repeat(100_000) }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ username: { $ne: null }, password: 'x' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ username: 'admin\u0000', password: 'x' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      [{ username: 'admin', password: 'x\u0000y' }, 400, 'ABONE_ERR_HTTP_VALIDATION'],
      ['not json at all', 400, 'ABONE_ERR_HTTP_VALIDATION'],
    ];
    for (const [payload, status, code] of tries) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: payload as object, remoteAddress: '10.9.9.9', headers: { 'content-type': 'application/json' } });
      assert.equal(res.statusCode, status, JSON.stringify(payload).slice(0, 60));
      assert.equal(res.json().code, code);
    }
    assert.equal(await count('app_user'), users);
    assert.equal(await count('user_session'), sessions);
  });

  it('treats malformed, forged and revoked cookies as no login', async () => {
    for (const cookie of [`${SESSION_COOKIE}=%%%`, `${SESSION_COOKIE}=${'A'.repeat(5000)}`, `${SESSION_COOKIE}=${'A'.repeat(43)}`, '=;=;;', `${SESSION_COOKIE}=' OR 1=1 --`]) {
      const res = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
      assert.equal(res.statusCode, 401, cookie.slice(0, 40));
    }
    const s = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode, 200);
    await app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode, 401); // replayed after logout
  });

  it('issues API tokens shown once, and refuses them after revocation', async () => {
    const machine = await sessionAs(app, db.pool, [{ role: 'ami_operator' }]);
    const issued = await app.inject({ method: 'POST', url: '/api/v1/tokens', headers: { cookie: admin.cookie }, payload: { username: machine.username, name: 'node-red' } });
    assert.equal(issued.statusCode, 201);
    const { id, token } = issued.json();
    const stored = await db.pool.query('SELECT token_sha256 FROM api_token WHERE id = $1', [id]);
    assert.ok(!stored.rows[0].token_sha256.toString('utf8').includes(token));
    const bearer = { authorization: `Bearer ${token}` };
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer });
    assert.deepEqual([me.statusCode, me.json().via], [200, 'token']);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/users', headers: bearer })).statusCode, 403); // acts with its user's rights only
    await app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: { cookie: admin.cookie } });
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: bearer })).statusCode, 401); // replayed after revocation
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer garbage' } })).statusCode, 401);
  });

  it('locks a user after repeated wrong passwords, even for the right one', async () => {
    const victim = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
    for (let i = 0; i < TEST_LOGIN_POLICY.maxFailures; i++) assert.equal((await login(victim.username, 'wrong password!', `10.1.0.${i}`)).statusCode, 401);
    const locked = await login(victim.username, TEST_PASSWORD, '10.1.1.1');
    assert.deepEqual([locked.statusCode, locked.json().code], [429, 'ABONE_ERR_AUTH_THROTTLED']);
  });

  it('refuses an address that sprays many usernames', async () => {
    for (let i = 0; i < TEST_LOGIN_POLICY.maxFailuresPerIp; i++) await login(`nobody-${i}`, 'whatever-password', '10.2.2.2');
    const res = await login(admin.username, TEST_PASSWORD, '10.2.2.2');
    assert.deepEqual([res.statusCode, res.json().code], [429, 'ABONE_ERR_AUTH_THROTTLED']);
    assert.equal((await login(admin.username, TEST_PASSWORD, '10.3.3.3')).statusCode, 200); // other addresses unaffected
  });

  it('changes passwords, resets them, and disables users at once', async () => {
    const u = await sessionAs(app, db.pool, [{ role: 'cashier' }]);
    const headers = { cookie: u.cookie };
    const weak = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { current: TEST_PASSWORD, next: 'short' } });
    assert.equal(weak.json().code, 'ABONE_ERR_AUTH_WEAK_PASSWORD');
    const wrong = await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { current: 'not it at all', next: 'a much better passphrase' } });
    assert.equal(wrong.statusCode, 401);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/auth/password', headers, payload: { current: TEST_PASSWORD, next: 'a much better passphrase' } })).statusCode, 200);
    assert.equal((await login(u.username, TEST_PASSWORD, '10.4.0.1')).statusCode, 401);
    assert.equal((await login(u.username, 'a much better passphrase', '10.4.0.2')).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode, 200); // the session that changed it lives on
    await app.inject({ method: 'PUT', url: `/api/v1/users/${u.username}/status`, headers: { cookie: admin.cookie }, payload: { status: 'disabled' } });
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode, 401);
    assert.equal((await login(u.username, 'a much better passphrase', '10.4.0.3')).statusCode, 401);
  });

  it('expires sessions', async () => {
    const s = await sessionAs(app, db.pool, [{ role: 'auditor' }]);
    await db.pool.query(`UPDATE user_session SET expires_at = now() - interval '1 second' WHERE user_id = (SELECT id FROM app_user WHERE username = $1)`, [s.username]);
    assert.equal((await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: s.cookie } })).statusCode, 401);
  });

  it('keeps an append-only audit trail of logins and administrative acts', async () => {
    const trail = await app.inject({ method: 'GET', url: `/api/v1/audit?entity=user&entityId=${admin.username}`, headers: { cookie: admin.cookie } });
    const actions = trail.json().items.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`);
    assert.ok(actions.includes('auth.login:ok'));
    const tokens = await app.inject({ method: 'GET', url: '/api/v1/audit?entity=api_token', headers: { cookie: admin.cookie } });
    assert.deepEqual(tokens.json().items.map((e: { action: string; actor: string }) => `${e.action} by ${e.actor}`), [`token.revoke by ${admin.username}`, `token.issue by ${admin.username}`]);
    const failed = await db.pool.query(`SELECT count(*) AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'failed'`);
    assert.ok(failed.rows[0].n >= TEST_LOGIN_POLICY.maxFailures);
    await assert.rejects(db.pool.query('UPDATE audit_log SET actor = $1', ['someone else']), /append-only/);
    await assert.rejects(db.pool.query('DELETE FROM audit_log'), /append-only/);
    await assert.rejects(db.pool.query('TRUNCATE audit_log'), /append-only/);
  });

  it('rotates and revokes device credentials, audited', async () => {
    const { rows } = await db.pool.query(`INSERT INTO meter_model (code, manufacturer, commodity) VALUES ('ACL-M', 'T', 'gas') RETURNING id`);
    await db.pool.query(`INSERT INTO meter (serial, model_id, commodity) VALUES ('ACL-1', $1, 'gas')`, [rows[0].id]);
    const operator = await sessionAs(app, db.pool, [{ role: 'ami_operator' }]);
    const first = await app.inject({ method: 'POST', url: '/api/v1/meters/ACL-1/credentials', headers: { cookie: operator.cookie } });
    const second = await app.inject({ method: 'POST', url: '/api/v1/meters/ACL-1/credentials', headers: { cookie: operator.cookie } });
    assert.equal(second.statusCode, 201);
    assert.notEqual(first.json().password, second.json().password);
    const active = await db.pool.query(`SELECT count(*) AS n FROM device_credential WHERE revoked_at IS NULL`);
    assert.equal(active.rows[0].n, 1); // rotation revoked the first
    await app.inject({ method: 'DELETE', url: '/api/v1/meters/ACL-1/credentials', headers: { cookie: operator.cookie } });
    assert.equal((await db.pool.query(`SELECT count(*) AS n FROM device_credential WHERE revoked_at IS NULL`)).rows[0].n, 0);
    const trail = await db.pool.query(`SELECT action FROM audit_log WHERE entity = 'meter' AND entity_id = 'ACL-1' ORDER BY id`);
    assert.deepEqual(trail.rows.map((r) => r.action), ['device.credential.issue', 'device.credential.issue', 'device.credential.revoke']);
  });
});
