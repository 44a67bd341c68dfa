/** The suites docs/source-systems.md says apply to one kind of source system: the IDs on its section's "Suites that apply:" line. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './build.js';

export function documentedSuites(type: string): string[] {
  const doc = readFileSync(join(ROOT, 'docs/source-systems.md'), 'utf8');
  const start = doc.indexOf(`\n## ${type}\n`);
  if (start < 0) return [];
  const end = doc.indexOf('\n## ', start + 1);
  const line = /^Suites that apply: (.*)$/m.exec(doc.slice(start, end < 0 ? undefined : end));
  return line ? [...line[1]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!).sort() : [];
}

/** The suites a run actually judged something in: those with a test that was not skipped. */
export function suitesRun(tests: ReadonlyArray<{ suite: string; status: string }>): string[] {
  return [...new Set(tests.filter((t) => t.status !== 'SKIPPED').map((t) => t.suite))].sort();
}
