import assert from 'node:assert/strict';
import { int, loadSettings, setting } from './config.ts';
import { AboneError } from './errors.ts';

describe('typed configuration', () => {
  const spec = {
    port: setting('ABONE_TEST_PORT', int(1, 65535), 8080, 'a port'),
    size: setting('ABONE_TEST_SIZE', int(1, 10), 3, 'a size'),
  };

  it('takes defaults, then the environment, then explicit overrides', () => {
    assert.deepEqual(loadSettings(spec, {}), { port: 8080, size: 3 });
    assert.deepEqual(loadSettings(spec, { ABONE_TEST_PORT: '9090' }), { port: 9090, size: 3 });
    assert.deepEqual(loadSettings(spec, { ABONE_TEST_PORT: '9090' }, { port: 1 }), { port: 1, size: 3 });
  });

  it('names every bad variable in one clear error', () => {
    assert.throws(
      () => loadSettings(spec, { ABONE_TEST_PORT: 'eighty', ABONE_TEST_SIZE: '99' }),
      (err: AboneError) => err.code === 'ABONE_ERR_CONFIG_INVALID' && /ABONE_TEST_PORT="eighty"/.test(err.message) && /ABONE_TEST_SIZE="99"/.test(err.message),
    );
  });
});
