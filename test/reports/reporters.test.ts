/**
 * Every reporter in the registry (src/harness/reporters/registry.ts), so a new one is covered without a
 * test of its own: it writes exactly the files it declares, each renderer gives the bytes written,
 * and the evidence bundle counts its files as the run's.
 */
import { describe, it, expect } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPORTER_MODULES, REPORTER_NAMES } from '../../src/harness/reporters/registry.js';
import { loadReporter } from '../../src/harness/reporters/index.js';
import { runArtifacts } from '../../src/harness/evidence/bundle.js';
import { prepareResult } from '../../src/harness/model/prepare.js';
import { quiet, resultWith, tempDir } from './support.js';

const sample = () =>
  prepareResult(
    resultWith([{ direction: 'sut->mock', service: 'contactpoint', requestBody: { child: { name: 'A' } } }], {
      status: 'FAILED',
      checks: [{ requirement: 'CP-FEED-002', verdict: 'fail', message: 'the involvement was not sent', path: '/involvement' }],
    }),
  );

describe.each(REPORTER_NAMES)('the %s reporter', (name) => {
  it('is registered under its own name', async () => {
    expect((await REPORTER_MODULES[name]()).reporter.name).toBe(name);
    expect((await loadReporter(name)).create().name).toBe(name);
  });

  it('writes exactly the files it declares, and returns their names', async () => {
    const def = await loadReporter(name);
    const dir = await tempDir(`reporter-${name}`);
    const result = sample();
    const written = await quiet(() => def.create().write(result, dir));
    const declared = def.files.map((f) => f.path).sort();
    expect([...written].sort()).toEqual(declared);
    expect(
      (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort(),
    ).toEqual(declared);
    for (const f of def.files) if (f.render) expect(await readFile(join(dir, f.path), 'utf8'), f.path).toBe(f.render(result));
  });

  it("has its files counted as a run's by the evidence bundle", async () => {
    const artifacts = await runArtifacts();
    for (const f of (await loadReporter(name)).files) expect(artifacts.has(f.path), f.path).toBe(true);
  });
});
