/** The benchmark-only tools are fetched on first use into a cache folder, and the bench says so. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_TOOLS, benchTools, missingTools } from '../bench/lib/tools.js';

const dirs: string[] = [];
const cacheDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ics-bench-tools-'));
  dirs.push(d);
  return d;
};
const fakeInstall = (dir: string, name: string, version: string) => {
  mkdirSync(join(dir, 'node_modules', name), { recursive: true });
  writeFileSync(join(dir, 'node_modules', name, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  writeFileSync(join(dir, 'node_modules', name, 'index.js'), `module.exports = ${JSON.stringify(name)};`);
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('bench tools', () => {
  it('pins Prism and autocannon', () => {
    expect(Object.keys(BENCH_TOOLS).sort()).toEqual(['@stoplight/prism-cli', 'autocannon']);
    for (const v of Object.values(BENCH_TOOLS)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an empty cache misses both, and a different version counts as missing', () => {
    const dir = cacheDir();
    expect(missingTools(dir).sort()).toEqual(['@stoplight/prism-cli', 'autocannon']);
    fakeInstall(dir, 'autocannon', '0.0.1');
    fakeInstall(dir, '@stoplight/prism-cli', BENCH_TOOLS['@stoplight/prism-cli']);
    expect(missingTools(dir)).toEqual(['autocannon']);
  });

  it('with both in the cache, installs nothing, says nothing and loads them from there', () => {
    const dir = cacheDir();
    for (const [name, version] of Object.entries(BENCH_TOOLS)) fakeInstall(dir, name, version);
    const log: string[] = [];
    const req = benchTools((l) => log.push(l), dir);
    expect(log).toEqual([]);
    expect(req('autocannon')).toBe('autocannon');
    expect(req.resolve('@stoplight/prism-cli/package.json')).toBe(join(dir, 'node_modules/@stoplight/prism-cli/package.json'));
  });

  it('on first use says what it installs and where before it runs npm', () => {
    const dir = cacheDir();
    const log: string[] = [];
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-npm-here'); // npm cannot start, so nothing is fetched
    try {
      expect(() => benchTools((l) => log.push(l), dir)).toThrow(/ENOENT/);
    } finally {
      process.env.PATH = path;
    }
    expect(log).toEqual([
      `bench: first use, installing @stoplight/prism-cli@${BENCH_TOOLS['@stoplight/prism-cli']} and autocannon@${BENCH_TOOLS.autocannon} into ${dir} (once; about a minute)`,
    ]);
  });
});
