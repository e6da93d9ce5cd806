/** The CAMT.053 sample statement (camt053-sample.xml) with its {{PLACEHOLDERS}} filled, for tests. */
import { readFileSync } from 'node:fs';

export const camtSample = (v: Record<string, string>) =>
  readFileSync(new URL('./camt053-sample.xml', import.meta.url), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => v[k] ?? `{{${k}}}`);
