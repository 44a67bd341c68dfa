/**
 * `ics-conformance reference-ics --source-system <type>` as a vendor tries it (issue 18): the statement
 * `init` writes for the type, given the reference system's identity and its attestations, passes a
 * `run` against the reference system in that mode, and what it sent is that kind's service.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ensureBuilt } from '../support/build.js';
import { PROFILES } from '../../src/harness/model/profiles.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-refcmd-'));
let ref: ChildProcess | undefined;
let printed = '';

beforeAll(async () => {
  await ensureBuilt();
  ref = spawn(process.execPath, [BIN, 'reference-ics', '--source-system', 'education', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reference-ics printed no URL: ${printed}`)), 30_000);
    ref!.stdout!.on('data', (d: Buffer) => {
      printed += d.toString();
      if (printed.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    });
    ref!.once('exit', (code) => reject(new Error(`reference-ics exited ${code}: ${printed}`)));
  });
}, 60_000);
afterAll(() => {
  ref?.kill('SIGTERM');
});

it('plays the kind of system asked for, and says which URL run --sut takes', () => {
  expect(printed).toContain(`playing ${PROFILES.education.title}`);
  expect(printed).toMatch(/Run against it: ics-conformance run --sut http:\/\/127\.0\.0\.1:\d+\n/);
});

it("init's education statement, with the reference system's identity and attestations, passes run against it in education mode", () => {
  const sut = /--sut (\S+)/.exec(printed)![1]!;
  const file = join(dir, 'education.yaml');
  const init = spawnSync(process.execPath, [BIN, 'init', '--source-system', 'education', '--out', file], { encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
  // What a vendor edits in the template: who the system is, and the answers no machine can check.
  const statement = readFileSync(file, 'utf8')
    .replace(/^vendor: .*$/m, 'vendor: ics-conformance project')
    .replace(/^product: .*$/m, 'product: Reference education system')
    .replace(/^version: .*$/m, 'version: 1.0.0');
  writeFileSync(
    file,
    statement +
      '\ntimeouts: { messageMs: 2000, giveUpMs: 3000, quietMs: 100, sutRequestMs: 1000 }\n' +
      'attestations:\n  - { requirement: SEC-TLS-001, answer: yes, by: Test }\n  - { requirement: CP-FEED-011, answer: yes, by: Test }\n',
  );
  const out = join(dir, 'run');
  const run = spawnSync(process.execPath, [BIN, 'run', '--config', file, '--sut', sut, '--out', out], { encoding: 'utf8', timeout: 170_000 });
  expect(run.status, run.stdout.slice(-3000) + run.stderr).toBe(0);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  expect(results.statement.sourceSystemType).toBe('education');
  const services = new Set<string>(
    results.tests
      .flatMap((t: { exchanges: Array<{ operationId?: string; direction?: string; requestBody?: any }> }) => t.exchanges)
      .filter((e: { operationId?: string; direction?: string }) => e.operationId === 'submitInvolvement' && e.direction === 'sut->mock')
      .map((e: { requestBody: { involvement: { service: string } } }) => e.requestBody.involvement.service),
  );
  expect(services.size).toBeGreaterThan(0);
  for (const s of services) expect(PROFILES.education.services).toContain(s);
}, 180_000);
