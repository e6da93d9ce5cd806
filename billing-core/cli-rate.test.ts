/**
 * `abone rate` end to end, as a user runs it: bill lines as JSON on stdout, or the error code and the field on stderr
 * with exit code 2. (The test spawns the CLI; billing-core itself does no I/O.)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const EXAMPLES = path.join(import.meta.dirname, 'examples');

function abone(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'abone.js'), 'rate', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('abone rate', () => {
  it('prices the gas example and prints the bill as JSON', () => {
    const r = abone('--tariff', path.join(EXAMPLES, 'gas-residential.tariff.json'), '--usage', path.join(EXAMPLES, 'gas-residential.usage.json'));
    assert.equal(r.status, 0, r.stderr);
    const bill = JSON.parse(r.stdout);
    assert.deepEqual(bill.totals, { net: '1010.13', taxes: '218.29', gross: '1228.42' });
  });

  it('--from/--to override the usage file’s period', () => {
    const r = abone('--tariff', path.join(EXAMPLES, 'water-block.tariff.json'), '--usage', path.join(EXAMPLES, 'water-block.usage.json'), '--from', '2023-11-01', '--to', '2023-12-16');
    assert.equal(r.status, 0, r.stderr);
    const bill = JSON.parse(r.stdout);
    assert.equal(bill.days, 45); // 25 m³ over 45 days: the first band (15 m³ per 30 days) holds 22.5 m³, the rest goes to the second
    assert.deepEqual(bill.lines.filter((l: { component: string }) => l.component === 'SU').map((l: { quantity: string }) => l.quantity), ['22.5', '2.5']);
  });

  it('refuses a bad tariff with exit code 2, naming the field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'abone-rate-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ code: 'X', commodity: 'water', unit: 'm3', versions: [{ from: '2025-01-01', components: [{ type: 'block', code: 'SU', unit: 'm3', bands: [{ from: '0', to: '10', price: '1' }, { from: '12', price: '2' }] }] }] }));
    const r = abone('--tariff', bad, '--usage', path.join(EXAMPLES, 'water-block.usage.json'));
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^ABONE_ERR_BILLING_TARIFF_INVALID: Invalid tariff at versions\[0\]\.components\[0\]\.bands\[1\]\.from: must equal bands\[0\]\.to \(10\)/);
    writeFileSync(bad, '{ "unit": "m3", ');
    const notJson = abone('--tariff', path.join(EXAMPLES, 'water-block.tariff.json'), '--usage', bad);
    assert.equal(notJson.status, 2);
    assert.match(notJson.stderr, /^ABONE_ERR_BILLING_USAGE_INVALID: Invalid usage at .*bad\.json: is not JSON/);
  });
});
