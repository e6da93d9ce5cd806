import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AboneError, catalogue, isTransient } from './errors.ts';
import { REJECT_REASONS } from '../headend/index.ts';

const doc = readFileSync(path.resolve(import.meta.dirname, '../docs/errors.md'), 'utf8');

describe('error catalogue', () => {
  it('documents every code with its status and kind, and nothing else', () => {
    const documented = [...doc.matchAll(/^\| (ABONE_ERR_\w+) \| (\d+) \| (\w+) \|/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`);
    const coded = Object.entries(catalogue).map(([code, e]) => `${code} ${e.status} ${e.kind}`);
    assert.deepEqual(documented.sort(), coded.sort());
  });

  it('documents every ingest rejection reason', () => {
    for (const reason of REJECT_REASONS) assert.match(doc, new RegExp(`\\b${reason}\\b`), reason);
  });

  it('fills message templates and keeps the code stable', () => {
    const err = new AboneError('ABONE_ERR_HEADEND_METER_NOT_FOUND', { serial: 'G-1' });
    assert.equal(err.message, 'Meter G-1 not found');
    assert.deepEqual(err.toJSON(), { code: 'ABONE_ERR_HEADEND_METER_NOT_FOUND', message: 'Meter G-1 not found' });
    assert.equal(err.status, 404);
  });

  it('tells transient database trouble from bugs', () => {
    assert.equal(isTransient({ code: '57P01', message: 'terminating connection due to administrator command' }), true);
    assert.equal(isTransient({ code: 'ECONNREFUSED' }), true);
    assert.equal(isTransient({ code: '23505', message: 'duplicate key' }), false);
    assert.equal(isTransient(new TypeError('x is undefined')), false);
  });
});
