import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { allSettings, settingsMarkdown } from '../platform/config.ts';
import './start.ts'; // registers every context's settings

describe('configuration reference', () => {
  it('docs/configuration.md lists every setting as the code declares it', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../docs/configuration.md'), 'utf8');
    assert.ok(allSettings.length >= 4);
    assert.ok(doc.includes(settingsMarkdown()), 'regenerate with: node bin/abone.js config (see docs/configuration.md)');
  });
});
