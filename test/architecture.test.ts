/**
 * The rule of the house: a context is entered only through its `index.ts`. A file may import anything inside its
 * own context and anything in `platform/` (the shared kernel); from any other context only the index (and, in tests
 * and benchmarks, its `test-fixtures.ts`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const NESTED = ['modules', 'collectors', 'integrations'];
const SHARED = ['platform', 'test/support'];

function contextOf(file: string): string {
  const parts = path.relative(ROOT, file).split(path.sep);
  return NESTED.includes(parts[0]) ? `${parts[0]}/${parts[1]}` : parts[0];
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(p).isDirectory()) return tsFiles(p);
    return /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
}

/**
 * A context's `test-fixtures.ts` is its second door, for tests and benchmarks only: other contexts' tests may build
 * its data the way it does, production code may not.
 */
function forTestsOnly(file: string): boolean {
  const rel = path.relative(ROOT, file);
  return /\.test\.tsx?$/.test(rel) || path.basename(rel) === 'test-fixtures.ts' || rel.startsWith(`bench${path.sep}`) || rel.startsWith(`test${path.sep}`);
}

describe('architecture', () => {
  it('enters other contexts only through their index.ts', () => {
    const violations: string[] = [];
    for (const file of tsFiles(ROOT)) {
      const from = contextOf(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = path.resolve(path.dirname(file), m[1]);
        const rel = path.relative(ROOT, target);
        if (rel.startsWith('..') || SHARED.some((s) => rel.startsWith(s + path.sep) || rel === s)) continue;
        const to = contextOf(target);
        if (to === from) continue;
        const name = path.basename(target).replace(/\.(ts|js)$/, '');
        const atTop = path.relative(ROOT, path.dirname(target)) === to;
        const isDoor = name === 'index' && atTop;
        if (!isDoor && !(name === 'test-fixtures' && atTop && forTestsOnly(file))) violations.push(`${path.relative(ROOT, file)} imports ${m[1]}`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it('keeps files small enough to read', () => {
    const big = tsFiles(ROOT)
      .map((f) => ({ f: path.relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 400);
    assert.deepEqual(big, []);
  });
});
