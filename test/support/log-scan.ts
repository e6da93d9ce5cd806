/**
 * Scans log files for personal data that escaped masking: any 11-digit number with valid TCKN check digits, any
 * Turkish IBAN. Used after the whole test suite (test/support/global.ts) and by `.ci/run`.
 */
import { readFileSync } from 'node:fs';
import { isTckn } from '../../platform/pii.ts';

export function scanForPersonalData(files: string[]): { lines: number; leaks: string[] } {
  let lines = 0;
  const leaks: string[] = [];
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line) continue;
      lines++;
      const tckn = [...line.matchAll(/(?<!\d)[1-9]\d{10}(?!\d)/g)].some((m) => isTckn(m[0]));
      if (tckn || /\bTR\d{2}(?:\s?\d{4}){5}\s?\d{2}\b/i.test(line)) leaks.push(line.slice(0, 300));
    }
  }
  return { lines, leaks };
}
