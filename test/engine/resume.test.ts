/**
 * run --resume RUN_DIR (decision 0051): a run interrupted mid-way writes an INCOMPLETE bundle (exit 2,
 * as every incomplete verdict); resuming keeps its judged tests, runs the rest, and writes one bundle
 * that verify accepts. A bundle of another statement or mode is refused. And the tester's retry.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../../reference-ics/app.js';
import { verifyBundle } from '../../src/harness/evidence/verify.js';
import { startServer } from '../../src/mock-server/server.js';
import { InteractiveDriver } from '../../src/harness/engine/interactive.js';
import { MockClient } from '../../src/harness/engine/mock-client.js';
import { runSuites, runVerdict } from '../../src/harness/engine/runner.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import { RetryTest, type Prompter } from '../../src/harness/engine/context.js';
import { securitySuite } from '../../suites/security/index.js';
import type { TestResult } from '../../src/harness/engine/types.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-resume-'));
let ics: RunningReferenceIcs;
beforeAll(async () => {
  ics = await startReferenceIcs({ port: 0 });
});
afterAll(() => ics.close());

function statement(version = '1.0.0'): string {
  const file = join(dir, `s-${version}-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    file,
    `vendor: ics-conformance project\nproduct: Reference ICS\nversion: ${version}\nsourceSystemType: ics\ncapabilities: [contactpoint-feed]\nsut:\n  driverUrl: ${ics.url}\n` +
      `deselect: [CP-FEED-011.initial-load]\ntimeouts: { messageMs: 2000, giveUpMs: 3000, quietMs: 100, sutRequestMs: 1000 }\nattestations:\n  - { requirement: SEC-TLS-001, answer: yes, by: Test }\n`,
  );
  return file;
}

/** main() quietly; `onOutput` sees what it prints (to interrupt it at a chosen moment). */
async function cli(args: string[], onOutput: (text: string) => void = () => undefined): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (out += a.join(' ') + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n')),
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), onOutput(out), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true)),
  ];
  try {
    return { code: await main(args), out, err };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

const results = (d: string) =>
  JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) as {
    run: { id: string; interrupted?: string };
    summary: { verdict: string; label: string; exitCode: number };
    tests: TestResult[];
  };

describe('run --resume', () => {
  let st: string;
  beforeAll(() => {
    st = statement();
  });
  const out = join(dir, 'stopped');
  let first: ReturnType<typeof results>;

  it('SIGTERM after two tests: INCOMPLETE, exit 2, the label says how far it got, the bundle verifies', async () => {
    let sent = false;
    const before = process.listenerCount('SIGTERM');
    const r = await cli(['run', '--config', st, '--out', out, '--reporter', 'console', 'json'], (text) => {
      // Only while run's own handler is installed: a SIGTERM without it would end the test worker.
      if (!sent && (text.match(/^PASSED /gm) ?? []).length >= 2 && process.listenerCount('SIGTERM') > before) {
        sent = true;
        process.emit('SIGTERM', 'SIGTERM');
      }
    });
    expect(r.code, r.err).toBe(2);
    first = results(out);
    expect(first.run.interrupted).toBe('SIGTERM');
    expect(first.summary).toMatchObject({ verdict: 'incomplete', exitCode: 2 });
    expect(first.summary.label).toMatch(/^INCOMPLETE: interrupted \(SIGTERM\) after \d+ of \d+ tests \(PASS so far\)$/);
    expect(first.tests.filter((t) => t.status === 'PASSED').length).toBeGreaterThanOrEqual(2);
    expect(first.tests.some((t) => t.status === 'ERROR')).toBe(true);
    expect(r.out).toContain(`ics-conformance run --resume ${out}`);
    expect((await verifyBundle(out)).ok).toBe(true);
  }, 60_000);

  it('refuses a different statement, the other mode, and an edited bundle, with a clear message (exit 2), changing nothing', async () => {
    const other = await cli(['run', '--config', statement('2.0.0'), '--resume', out, '--reporter', 'json']);
    expect(other.code).toBe(2);
    expect(other.err).toContain(`--resume ${out}: that run is of a different conformance statement (version differs)`);
    const mode = await cli(['run', '--config', st, '--interactive', '--resume', out, '--reporter', 'json']);
    expect(mode.code).toBe(2);
    expect(mode.err).toMatch(/that run was automated: leave out --interactive/);
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(JSON.stringify(first, null, 2) + '\n');
    const copy = join(dir, 'edited');
    const made = await cli(['run', '--config', st, '--out', copy, '--reporter', 'json', '--only', 'CP-FEED-008.end-not-delete']);
    expect(made.err + made.out).toContain('Evidence bundle');
    writeFileSync(join(copy, 'results.json'), readFileSync(join(copy, 'results.json'), 'utf8').replace('"ERROR": 0', '"ERROR": 0 '));
    const edited = await cli(['run', '--config', st, '--resume', copy, '--reporter', 'json']);
    expect(edited.code).toBe(2);
    expect(edited.err).toMatch(/the bundle is not intact/);
  }, 60_000);

  it('keeps the judged tests as they were, runs the rest, and writes one bundle for the whole run that verify accepts', async () => {
    const r = await cli(['run', '--config', st, '--resume', out, '--reporter', 'json']);
    const whole = results(out);
    expect(r.code, JSON.stringify(whole.tests.filter((t) => t.status === 'ERROR').map((t) => [t.id, t.reason]))).toBe(0);
    expect(r.out).toMatch(/Resuming .*: \d+ of \d+ tests kept/);
    expect(whole.run.id).toBe(first.run.id);
    expect(whole.summary.verdict).toBe('pass');
    expect(whole.tests.map((t) => t.id)).toEqual(first.tests.map((t) => t.id));
    for (const kept of first.tests.filter((t) => t.status === 'PASSED')) expect(whole.tests.find((t) => t.id === kept.id)).toEqual(kept);
    expect(whole.tests.some((t) => t.status === 'ERROR')).toBe(false);
    expect((await verifyBundle(out)).ok).toBe(true);
  }, 60_000);
});

describe('verdicts of an interrupted run', () => {
  it('is INCOMPLETE with exit 2 however far it got, never exit 3', () => {
    const t = (status: TestResult['status'], reason?: string): TestResult => ({
      id: 'x',
      suite: 's',
      title: 't',
      requirements: [],
      capability: 'core',
      mandatory: true,
      status,
      ...(reason ? { reason } : {}),
      startedAt: '',
      durationMs: 0,
      checks: [],
      exchanges: [],
      attestations: [],
      steps: [],
    });
    const identity = { declared: { vendor: 'v', product: 'p', version: '1' }, matches: true, mismatches: [] };
    expect(runVerdict([t('PASSED'), t('ERROR', 'not run: the run was interrupted (SIGINT)')], identity, 'SIGINT')).toMatchObject({
      verdict: 'incomplete',
      exitCode: 2,
      label: 'INCOMPLETE: interrupted (SIGINT) after 1 of 2 tests (PASS so far)',
    });
    expect(runVerdict([t('ERROR', 'not run: the run was interrupted (the tester quit)')], identity, 'the tester quit')).toMatchObject({
      exitCode: 2,
      label: 'INCOMPLETE: interrupted (the tester quit) before any of 1 tests ended',
    });
  });
});

describe('retry at a prompt', () => {
  it('starts the test again from its first step; the second attempt is the one judged', async () => {
    const mocks = await startServer({ port: 0, controlToken: 'ctl' });
    let asked = 0;
    const tester: Prompter = {
      async instruct() {},
      async ask() {
        asked++;
        if (asked === 1) throw new RetryTest('retry');
        return { answer: 'yes', by: 'A. Tester' };
      },
    };
    const statement = { ...referenceStatement(), attestations: [] };
    const starts: string[] = [];
    try {
      const r = await runSuites({
        statement,
        driver: new InteractiveDriver(tester, statement),
        mock: new MockClient(mocks.url, 'ctl'),
        mockPublicUrl: mocks.url,
        prompter: tester,
        suites: [{ ...securitySuite, tests: securitySuite.tests.filter((t) => t.id === 'SEC-TLS-001.attestation') }],
        onProgress: (e) => void (e.type === 'test-start' && starts.push(e.test.id)),
      });
      expect(asked).toBe(2);
      expect(starts).toEqual(['SEC-TLS-001.attestation', 'SEC-TLS-001.attestation']);
      expect(r.tests.map((t) => t.status)).toEqual(['PASSED']);
      expect(r.tests[0]!.attestations).toHaveLength(1);
    } finally {
      await mocks.close();
    }
  });
});
