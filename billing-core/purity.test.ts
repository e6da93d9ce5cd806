/**
 * billing-core runs offline on a field handheld as well as on the server, so its code (tests aside) imports no I/O:
 * nothing from node:, server/, modules/, headend/ or collectors/, and from platform/ only what is pure (money,
 * calendar, errors). decimal.js, luxon and zod are the only packages.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const DIR = import.meta.dirname;
const TEST_ONLY = new Set(['test-fixtures.ts', 'test-random.ts']);
const ALLOWED_PLATFORM = new Set(['money.ts', 'calendar.ts', 'errors.ts']);
const ALLOWED_PACKAGES = new Set(['decimal.js', 'luxon', 'zod']);
/** Static imports and re-exports (`... from 'x'`, `import 'x'`) and dynamic `import('x')`. */
const IMPORT = /^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm;
const importsOf = (source: string) => [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3]);

describe('billing-core stays pure', () => {
  it('imports nothing that does I/O', () => {
    const offending: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !TEST_ONLY.has(f))) {
      for (const spec of importsOf(readFileSync(path.join(DIR, file), 'utf8'))) {
        if (spec.startsWith('./')) continue;
        if (spec.startsWith('../platform/') && ALLOWED_PLATFORM.has(spec.slice('../platform/'.length))) continue;
        if (ALLOWED_PACKAGES.has(spec)) continue;
        offending.push(`${file} imports ${spec}`);
      }
    }
    assert.deepEqual(offending, []);
  });

  it('the platform files it uses import no I/O either', () => {
    for (const file of ALLOWED_PLATFORM) {
      const specs = importsOf(readFileSync(path.join(DIR, '..', 'platform', file), 'utf8'));
      assert.deepEqual(specs.filter((s) => !ALLOWED_PACKAGES.has(s)), [], file);
    }
  });
});
