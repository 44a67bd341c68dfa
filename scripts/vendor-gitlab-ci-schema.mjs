#!/usr/bin/env node
/**
 * Prints GitLab's .gitlab-ci.yml schema as JSON, taken from gitlab-ci-local's bundle (the npm
 * package embeds it as an object literal): see test/fixtures/ci-schemas/README.md.
 * Usage: node scripts/vendor-gitlab-ci-schema.mjs path/to/gitlab-ci-local/dist/index.js
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const src = readFileSync(process.argv[2], 'utf8');
const at = src.indexOf('$id:"https://gitlab.com/.gitlab-ci.yml"');
if (at < 0) throw new Error('no GitLab CI schema in this file');
const start = src.lastIndexOf('={$schema:', at) + 1;
// The literal ends at its matching brace (braces inside strings do not count).
let depth = 0;
let quote = null;
let i = start;
for (; i < src.length; i++) {
  const c = src[i];
  if (quote) {
    if (c === '\\') i++;
    else if (c === quote) quote = null;
  } else if (c === '"' || c === "'" || c === '`') quote = c;
  else if (c === '{') depth++;
  else if (c === '}' && --depth === 0) break;
}
// An object literal of data only: evaluated in an empty context, with a time limit.
const schema = vm.runInNewContext(`(${src.slice(start, i + 1)})`, Object.create(null), { timeout: 2000 });
process.stdout.write(`${JSON.stringify(schema, null, 1)}\n`);
