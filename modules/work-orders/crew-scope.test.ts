/**
 * Through HTTP, as the real roles: a field crew member acts only on orders assigned to their own crew, by every
 * route; refusals change nothing and are audited. Also notices (phone masked) and photos (bytes, hash, limits).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/db.ts';
import { buildTestApp } from '../../test/support/app.ts';
import { sessionAs } from '../../test/support/auth.ts';
import type { App } from '../../server/index.ts';
import { caller, count, snapshot, type Who } from './test-fixtures.ts';

type Person = Who & { username: string };

// A PNG signature and a few bytes: enough for the sniffer, which is all the service looks at.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake image body for the test')]);

describe('work orders over HTTP: a crew acts only on its own orders', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let app: App;
  let call: ReturnType<typeof caller>;
  let operator: Person, crewA: Person, crewB: Person, agent: Person, auditor: Person;
  let orderA: number, orderB: number, orderOpen: number;

  const expect = (res: { statusCode: number; body: string }, status: number, code?: string, what = '') => {
    assert.equal(res.statusCode, status, `${what}: ${res.body}`);
    if (code) assert.equal(JSON.parse(res.body).code, code, what);
    return JSON.parse(res.body || 'null');
  };
  const userId = async (who: { username: string }) => (await db.pool.query('SELECT id FROM app_user WHERE username = $1', [who.username])).rows[0].id;

  before(async () => {
    db = await createTestDatabase();
    process.env.ABONE_WORKORDER_PHOTO_MAX_BYTES = '2048';
    try {
      app = await buildTestApp(db.pool);
    } finally {
      delete process.env.ABONE_WORKORDER_PHOTO_MAX_BYTES;
    }
    call = caller(app);
    operator = await sessionAs(app, db.pool, [{ role: 'ami_operator' }]);
    crewA = await sessionAs(app, db.pool, [{ role: 'field_crew' }]);
    crewB = await sessionAs(app, db.pool, [{ role: 'field_crew' }]);
    agent = await sessionAs(app, db.pool, [{ role: 'call_centre_agent' }]);
    auditor = await sessionAs(app, db.pool, [{ role: 'auditor' }]);
    expect(await call(operator, 'POST', '/api/v1/crews', { code: 'ANK-A', name: 'Ekip A', region: 'ANK', skills: ['leak', 'metering'], capacity: 5, members: [await userId(crewA)] }), 201);
    expect(await call(operator, 'POST', '/api/v1/crews', { code: 'ANK-B', name: 'Ekip B', region: 'ANK', skills: ['leak', 'metering'], capacity: 5, members: [await userId(crewB)] }), 201);
    orderA = expect(await call(operator, 'POST', '/api/v1/work-orders', { type: 'leak', meterSerial: 'G-1', region: 'ANK' }), 201).id; // ANK-A (tie, code)
    orderB = expect(await call(operator, 'POST', '/api/v1/work-orders', { type: 'leak', meterSerial: 'G-2', region: 'ANK' }), 201).id; // ANK-B (load)
    orderOpen = expect(await call(operator, 'POST', '/api/v1/work-orders', { type: 'inspection', address: 'Kızılay Meydanı', region: 'ANK', route: false }), 201).id;
    const crews = expect(await call(auditor, 'GET', '/api/v1/crews'), 200).items.map((c: { code: string; load: number }) => [c.code, c.load]);
    assert.deepEqual(crews, [['ANK-A', 1], ['ANK-B', 1]]);
  });
  after(async () => {
    await app.close();
    await db.drop();
  });

  it('refuses crew A every way of touching crew B\'s order or an unassigned one, and nothing changes', async () => {
    const before = await snapshot(db.pool);
    const denied = await count(db.pool, `audit_log WHERE outcome = 'denied' AND entity = 'work_order'`);
    for (const id of [orderB, orderOpen]) {
      expect(await call(crewA, 'POST', `/api/v1/work-orders/${id}/start`, {}), 403, 'ABONE_ERR_WORKORDER_NOT_YOUR_CREW', 'start');
      expect(await call(crewA, 'POST', `/api/v1/work-orders/${id}/complete`, { closingCode: 'FIXED' }), 403, 'ABONE_ERR_WORKORDER_NOT_YOUR_CREW', 'complete');
      expect(await call(crewA, 'POST', `/api/v1/work-orders/${id}/comments`, { text: 'done already' }), 403, 'ABONE_ERR_WORKORDER_NOT_YOUR_CREW', 'comment');
      expect(await call(crewA, 'POST', `/api/v1/work-orders/${id}/photos`, { dataBase64: PNG.toString('base64') }), 403, 'ABONE_ERR_WORKORDER_NOT_YOUR_CREW', 'photo');
      // The dispatcher's routes are closed to a crew by the guard.
      expect(await call(crewA, 'POST', `/api/v1/work-orders/${id}/transitions`, { to: 'cancelled' }), 403, 'ABONE_ERR_AUTH_FORBIDDEN', 'transition');
      expect(await call(crewA, 'POST', `/api/v1/work-orders/${id}/assignment`, { crew: 'ANK-A', reason: 'mine now' }), 403, 'ABONE_ERR_AUTH_FORBIDDEN', 'assignment');
    }
    expect(await call(crewA, 'POST', '/api/v1/work-orders', { type: 'leak', address: 'x', region: 'ANK' }), 403, 'ABONE_ERR_AUTH_FORBIDDEN', 'create');
    expect(await call(crewA, 'POST', '/api/v1/crews', { code: 'ANK-Z', name: 'z', region: 'ANK', skills: ['leak'], capacity: 1 }), 403, 'ABONE_ERR_AUTH_FORBIDDEN', 'crew');
    assert.deepEqual(await snapshot(db.pool), before);
    assert.equal(await count(db.pool, `audit_log WHERE outcome = 'denied' AND entity = 'work_order'`), denied + 8, 'four field attempts on each of two orders');
  });

  it('lets crew A start, comment, photograph and complete its own order, with a closing code', async () => {
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/complete`, { closingCode: 'LEAK_SEALED' }), 409, 'ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL', 'complete before start');
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/start`, { note: 'on site 14:05' }), 200);
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/start`, {}), 409, 'ABONE_ERR_WORKORDER_TRANSITION_ILLEGAL', 'start twice');
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/comments`, { text: 'Vana arkasında sızıntı' }), 201);
    const photo = expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/photos`, { dataBase64: PNG.toString('base64'), caption: 'before' }), 201);
    assert.deepEqual([photo.contentType, photo.sizeBytes, photo.sha256], ['image/png', PNG.length, createHash('sha256').update(PNG).digest('hex')]);
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/complete`, {}), 400, 'ABONE_ERR_WORKORDER_CLOSING_CODE_REQUIRED');
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/complete`, { closingCode: 'RECONNECTED' }), 400, 'ABONE_ERR_WORKORDER_CLOSING_CODE_UNKNOWN');
    const done = expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderA}/complete`, { closingCode: 'LEAK_SEALED', note: 'flange replaced' }), 200);
    assert.deepEqual([done.status, done.closingCode], ['completed', 'LEAK_SEALED']);
    const read = expect(await call(auditor, 'GET', `/api/v1/work-orders/${orderA}`), 200);
    assert.deepEqual(read.trail.map((t: { kind: string; toStatus: string | null; actor: string }) => [t.kind, t.toStatus, t.actor]), [
      ['created', 'open', operator.username],
      ['assignment', 'assigned', operator.username],
      ['status', 'in_progress', crewA.username],
      ['comment', null, crewA.username],
      ['photo', null, crewA.username],
      ['status', 'completed', crewA.username],
    ]);
    const bytes = await app.inject({ method: 'GET', url: `/api/v1/work-orders/${orderA}/photos/${photo.id}`, headers: { cookie: auditor.cookie } });
    assert.equal(bytes.headers['content-type'], 'image/png');
    assert.ok(bytes.rawPayload.equals(PNG));
  });

  it('takes the order from crew B when it is reassigned: B can no longer act, A now can', async () => {
    expect(await call(operator, 'POST', `/api/v1/work-orders/${orderB}/assignment`, { crew: 'ANK-A', reason: 'B is on a leak in Sincan' }), 200);
    expect(await call(crewB, 'POST', `/api/v1/work-orders/${orderB}/start`, {}), 403, 'ABONE_ERR_WORKORDER_NOT_YOUR_CREW');
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderB}/start`, {}), 200);
  });

  it('refuses photos that are too large, not images, or not what they claim, and stores none', async () => {
    const photos = await count(db.pool, 'work_order_photo');
    const big = Buffer.concat([PNG, Buffer.alloc(3000)]);
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderB}/photos`, { dataBase64: big.toString('base64') }), 400, 'ABONE_ERR_WORKORDER_PHOTO_INVALID', 'too big');
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderB}/photos`, { dataBase64: Buffer.from('%PDF-1.7 not an image').toString('base64') }), 400, 'ABONE_ERR_WORKORDER_PHOTO_INVALID', 'pdf');
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderB}/photos`, { contentType: 'image/jpeg', dataBase64: PNG.toString('base64') }), 400, 'ABONE_ERR_WORKORDER_PHOTO_INVALID', 'claims jpeg');
    expect(await call(crewA, 'POST', `/api/v1/work-orders/${orderB}/photos`, { dataBase64: 'not base64!' }), 400, 'ABONE_ERR_HTTP_VALIDATION', 'garbage');
    assert.equal(await count(db.pool, 'work_order_photo'), photos);
  });

  it('takes a call-centre notice: opens a routed leak order, keeps the phone, answers it masked', async () => {
    const res = await call(agent, 'POST', '/api/v1/notices', { kind: 'gas_smell', address: 'Tunalı Hilmi Cd. 12/4 Çankaya', region: 'ANK', reporter: { name: 'Ayşe Yılmaz', phone: '0532 123 45 67' }, description: 'merdivenlerde gaz kokusu' });
    const notice = expect(res, 201);
    assert.equal(notice.reporterPhone, '+90********67');
    assert.ok(!res.body.includes('5321234567'), 'the full number never leaves');
    assert.deepEqual([notice.workOrder.type, notice.workOrder.priority, notice.workOrder.source, notice.workOrder.status], ['leak', 'critical', 'notice', 'assigned']);
    const { rows } = await db.pool.query('SELECT reporter_phone, work_order_id::int AS "orderId" FROM notice WHERE id = $1', [notice.id]);
    assert.deepEqual(rows, [{ reporter_phone: '+905321234567', orderId: notice.workOrder.id }]);
    const before = await snapshot(db.pool);
    expect(await call(agent, 'POST', '/api/v1/notices', { kind: 'gas_smell', region: 'ANK', reporter: { phone: '0532 123 45 67' } }), 400, 'ABONE_ERR_HTTP_VALIDATION', 'no place');
    expect(await call(agent, 'POST', '/api/v1/notices', { kind: 'gas_smell', address: 'x', reporter: { phone: '12' } }), 400, 'ABONE_ERR_HTTP_VALIDATION', 'bad phone');
    expect(await call(agent, 'POST', '/api/v1/notices', { kind: 'alien_landing', address: 'x', reporter: { phone: '05321234567' } }), 400, 'ABONE_ERR_HTTP_VALIDATION', 'bad kind');
    expect(await call(crewA, 'POST', '/api/v1/notices', { kind: 'gas_smell', address: 'x', reporter: { phone: '05321234567' } }), 403, 'ABONE_ERR_AUTH_FORBIDDEN', 'crew');
    assert.deepEqual(await snapshot(db.pool), before);
  });

  it('lists and filters orders for readers', async () => {
    const all = expect(await call(agent, 'GET', '/api/v1/work-orders?region=ANK'), 200).items;
    assert.equal(all.length, 4);
    const mine = expect(await call(auditor, 'GET', '/api/v1/work-orders?crew=ANK-A&status=in_progress'), 200).items.map((o: { id: number }) => o.id);
    assert.deepEqual(mine, [orderB]);
    const completed = expect(await call(auditor, 'GET', '/api/v1/work-orders?status=completed&type=leak'), 200).items.map((o: { id: number }) => o.id);
    assert.deepEqual(completed, [orderA]);
    expect(await call(auditor, 'GET', '/api/v1/work-orders?status=lost'), 400, 'ABONE_ERR_HTTP_VALIDATION');
    expect(await call(auditor, 'GET', '/api/v1/work-orders/999999'), 404, 'ABONE_ERR_WORKORDER_NOT_FOUND');
  });
});
