#!/usr/bin/env node
/**
 * Regenerates the table of mocks/ecaf/requirements.md from the catalogue
 * (mocks/ecaf/requirements.ts), through the build: `npm run build && node scripts/ecaf-requirements.mjs`.
 * test/ecaf/requirements.test.ts fails while the file is not what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const { ecafRequirementsMarkdown } = await import(new URL('dist/mocks/ecaf/requirements.js', `file://${root}`).href);
const file = `${root}mocks/ecaf/requirements.md`;
const before = readFileSync(file, 'utf8');
const after = ecafRequirementsMarkdown(before);
if (after === before) console.log('mocks/ecaf/requirements.md is current');
else {
  writeFileSync(file, after);
  console.log('mocks/ecaf/requirements.md: table regenerated from the catalogue');
}
