/**
 * The package as a vendor installs it: `npm pack`'s file list, then the tarball unpacked into a
 * scratch project with vitest and msw that compiles the README's msw example with `skipLibCheck: false`
 * and runs it as the vitest test file the README says it is.
 *
 * Offline and without npm's cache: the tarball is unpacked into the scratch project's node_modules,
 * and only what a consumer would have beside it is linked from this repository's node_modules (the
 * package's `dependencies`, msw as the peer, vitest, @types/node and typescript). A published type that
 * needs a dev dependency (better-sqlite3's, express's) then fails the compile with TS7016.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBuilt, ROOT } from '../support/build.js';

interface PackEntry {
  filename: string;
  files: Array<{ path: string }>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const npm = (args: string[], cwd = ROOT) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let tmp: string;
let files: string[];
beforeAll(async () => {
  await ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'ics-pack-'));
  // --ignore-scripts: ensureBuilt already built dist/; prepare would only compile it again.
  const [dry] = JSON.parse(npm(['pack', '--dry-run', '--json', '--ignore-scripts'])) as PackEntry[];
  files = dry!.files.map((f) => f.path).sort();
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the entry points, the CLI, the docs and the README', () => {
    const entries = [
      pkg.main,
      pkg.types,
      ...Object.values<any>(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e))),
      ...Object.values(pkg.bin),
    ];
    for (const entry of entries) expect(files, entry).toContain(String(entry).replace(/^\.\//, ''));
    expect(files).toContain('README.md');
    expect(files).toContain('docs/interface/contactpoint.md');
  });

  it('leaves out the benchmarks, source maps, tests and TypeScript sources', () => {
    expect(files.filter((f) => f.startsWith('dist/bench/') || f.startsWith('bench/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /\.test\.(js|d\.ts)$/.test(f) || f.startsWith('test/') || f.startsWith('dist/test/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('has the metadata a registry page and a vendor need', () => {
    expect(pkg.repository.url).toMatch(/^git\+https:\/\/.+\.git$/);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs.url).toMatch(/^https:\/\//);
    expect(pkg.keywords).toEqual(expect.arrayContaining(['conformance', 'msw', 'openapi']));
    expect(pkg.license).toBe('MIT');
  });

  it('does not install the benchmark-only tools by default', () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const name of ['@stoplight/prism-cli', 'autocannon', '@types/autocannon']) expect(all, name).not.toHaveProperty(name);
  });
});

describe('the packed tarball in a scratch project', () => {
  it('compiles the README msw example with skipLibCheck false and runs it with vitest', () => {
    const out = JSON.parse(npm(['pack', '--json', '--ignore-scripts', '--pack-destination', tmp])) as PackEntry[];
    const project = join(tmp, 'project');
    const installed = join(project, 'node_modules/ics-conformance');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(tmp, out[0]!.filename), '-C', installed, '--strip-components=1']);

    // What npm would put beside it: the dependencies and the peer; the consumer brings vitest, TS and Node's types.
    for (const name of [...Object.keys(pkg.dependencies), 'msw', 'vitest', '@types/node', 'typescript']) {
      mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name), 'dir');
    }

    // No shipped file may point at a source map (they are not shipped).
    const js: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.js')) js.push(join(d, e.name));
      }
    };
    walk(join(installed, 'dist'));
    expect(js.length).toBeGreaterThan(50);
    expect(js.filter((f) => readFileSync(f, 'utf8').includes('sourceMappingURL'))).toEqual([]);

    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use it in your project'));
    expect(section).toContain('npm install --save-dev ics-conformance msw');
    const example = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    writeFileSync(join(project, 'package.json'), '{ "name": "scratch", "private": true, "type": "module" }\n');
    writeFileSync(join(project, 'example.test.ts'), example);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: false,
          types: ['node'],
          noEmit: true,
        },
        include: ['example.test.ts'],
      }),
    );

    const tsc = spawnSync(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);

    // The example is a test file: vitest in the scratch project finds it and it passes (a file with no test in it fails here).
    const run = spawnSync(
      process.execPath,
      [join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter', 'json', '--outputFile', 'vitest.json'],
      {
        cwd: project,
        encoding: 'utf8',
        timeout: 90_000,
        env: { ...process.env, CI: '1', NO_COLOR: '1' },
      },
    );
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'vitest.json'), 'utf8'));
    expect(report.testResults.map((f: { name: string }) => f.name)).toEqual([join(project, 'example.test.ts')]);
    expect(report.numPassedTests).toBeGreaterThan(0);
    expect(report.numFailedTests).toBe(0);
  }, 180_000);
});
