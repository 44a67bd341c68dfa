/** `ics-conformance run` as a CI job uses it, in-process: exit codes, reports, and a remote `serve`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../../reference-ics/app.js';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-run-'));
let clean: RunningReferenceIcs;
let faulty: RunningReferenceIcs;
let remote: RunningServer;

function statement(driverUrl: string, extra = ''): string {
  const file = join(dir, `statement-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    file,
    // The reference ICS's own identity: a statement naming another system cannot pass (decision 0012).
    `vendor: ics-conformance project\nproduct: Reference ICS\nversion: 1.0.0\nsourceSystemType: ics\ncapabilities: [contactpoint-feed]\nsut:\n  driverUrl: ${driverUrl}\n` +
      `deselect: [CP-FEED-011.initial-load]\ntimeouts: { messageMs: 2000, giveUpMs: 3000, quietMs: 100, sutRequestMs: 1000 }\n` +
      `attestations:\n  - { requirement: SEC-TLS-001, answer: yes, by: Test }\n${extra}`,
  );
  return file;
}

beforeAll(async () => {
  clean = await startReferenceIcs({ port: 0 });
  faulty = await startReferenceIcs({ port: 0, variants: ['drops-end-date'] });
  remote = await startServer({ port: 0, controlToken: 'remote-control' });
});
afterAll(async () => {
  await clean.close();
  await faulty.close();
  await remote.close();
});

describe('ics-conformance run', () => {
  it('exits 0 against a conformant system, with its identity and the deselected optional test in the results', async () => {
    const out = join(dir, 'clean');
    const code = await main(['run', '--config', statement(clean.url), '--out', out, '--reporter', 'json']);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(code, JSON.stringify(r.tests.filter((t: any) => t.status !== 'PASSED' && t.status !== 'SKIPPED').map((t: any) => [t.id, t.reason]))).toBe(
      0,
    );
    expect(r.sut).toMatchObject({ product: 'Reference ICS' });
    expect(r.tests.find((t: any) => t.id === 'CP-FEED-011.initial-load').status).toBe('SKIPPED');
    expect(r.tests.find((t: any) => t.id === 'CP-CAF-001.indicator-on-log').reason).toMatch(/local-ecaf/);
  });

  it('uses a running serve instance with --mock-url and exits 1 on a failing system', async () => {
    const out = join(dir, 'faulty');
    const code = await main([
      'run',
      '--config',
      statement(faulty.url),
      '--mock-url',
      remote.url,
      '--control-token',
      'remote-control',
      '--out',
      out,
      '--reporter',
      'json',
    ]);
    expect(code).toBe(1);
    const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(r.run.mockUrl).toBe(remote.url);
    expect(r.requirements.find((q: any) => q.id === 'CP-FEED-008').status).toBe('FAILED');
  });

  it('exits 2 on a bad conformance statement and 3 when the system under test is unreachable', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'vendor: x\ncapabilities: [flying]\n');
    expect(await main(['run', '--config', bad, '--out', join(dir, 'bad')])).toBe(2);
    expect(await main(['run', '--config', join(dir, 'missing.yml')])).toBe(2);
    expect(await main(['run', '--config', statement('http://127.0.0.1:9'), '--out', join(dir, 'down'), '--reporter', 'json'])).toBe(3);
  });
});
