/**
 * The harness against a hostile or broken system under test (issue #15): every behaviour ends within a
 * bounded time, with the right verdict and exit code, a bundle that verify accepts, and nothing the
 * system said reaching the terminal unsanitised.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../../reference-ics/app.js';
import { generateSigningKeys } from '../../src/harness/evidence/signing.js';
import { verifyBundle } from '../../src/harness/evidence/verify.js';
import type { RunResult } from '../../src/harness/model/result.js';
import { BEHAVIOURS, startFakeSut, type Behaviour, type FakeSut } from './fake-sut.js';
import { HOSTILE, UNSAFE, fakeVerdictLines } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-hostile-'));
const keys = generateSigningKeys();
const keyFile = join(dir, 'sign.pem');
const pubFile = join(dir, 'sign.pub.pem');
writeFileSync(keyFile, keys.privateKey);
writeFileSync(pubFile, keys.publicKey);
export const REFERENCE = { vendor: 'ics-conformance project', product: 'Reference ICS', version: '1.0.0' };

let reference: RunningReferenceIcs;
let elsewhere: FakeSut;
beforeAll(async () => {
  reference = await startReferenceIcs({ port: 0 });
  // "Another origin": it must never see a request.
  elsewhere = await startFakeSut((_req, res) => {
    res.writeHead(200).end('{}');
    return true;
  });
});
afterAll(async () => {
  await reference.close();
  await elsewhere.close();
});

function statement(driverUrl: string, extra = '', sutExtra = ''): string {
  const file = join(dir, `statement-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    file,
    `vendor: ${REFERENCE.vendor}\nproduct: ${REFERENCE.product}\nversion: ${REFERENCE.version}\nsourceSystemType: ` +
      `ics\ncapabilities: [contactpoint-feed]\nsut:\n  driverUrl: ${driverUrl}\n${sutExtra}` +
      `deselect: [CP-FEED-011.initial-load]\ntimeouts: { messageMs: 2000, giveUpMs: 3000, quietMs: 100, sutRequestMs: 1000 }\n` +
      `attestations:\n  - { requirement: SEC-TLS-001, answer: yes, by: Test }\n${extra}`,
  );
  return file;
}

export interface Outcome {
  code: number;
  ms: number;
  out: string;
  result: RunResult;
  bundle: string;
}

/** `run` in-process against the behaviour (anything it leaves, the reference ICS answers); stdout and stderr captured. */
export async function runAgainst(behaviour: Behaviour, opts: { extra?: string; sutExtra?: string; during?: () => void } = {}): Promise<Outcome> {
  const sut = await startFakeSut(behaviour, reference.url);
  const bundle = join(dir, `run-${Math.random().toString(36).slice(2)}`);
  let out = '';
  const capture = (s: unknown) => {
    out += String(s);
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture),
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void capture(a.join(' ') + '\n')),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void capture(a.join(' ') + '\n')),
  ];
  const t0 = performance.now();
  try {
    const running = main([
      'run',
      '--config',
      statement(sut.url, opts.extra, opts.sutExtra),
      '--out',
      bundle,
      '--sign-key',
      keyFile,
      '--reporter',
      'console',
      'json',
      'junit',
      'markdown',
      'html',
    ]);
    opts.during?.();
    const code = await running;
    const ms = performance.now() - t0;
    return { code, ms, out, result: JSON.parse(readFileSync(join(bundle, 'results.json'), 'utf8')) as RunResult, bundle };
  } finally {
    for (const s of spies) s.mockRestore();
    await sut.close();
  }
}

/** What every case must show: a complete bundle verify accepts, and a terminal that saw nothing raw. */
export async function expectSafeBundle(o: Outcome): Promise<void> {
  const { loadPublicKey } = await import('../../src/harness/evidence/signing.js');
  const report = await verifyBundle(o.bundle, { publicKey: loadPublicKey(keys.publicKey) });
  expect(report.problems).toEqual([]);
  expect(report.signature).toBe('valid');
  for (const f of ['results.json', 'journal.ndjson', 'junit.xml', 'summary.md', 'report.html', 'manifest.json', 'manifest.sig'])
    expect(readFileSync(join(o.bundle, f)).byteLength).toBeGreaterThan(0);
  // The console reporter paints only on a TTY: here no escape at all may appear.
  expect(o.out).not.toMatch(UNSAFE);
  expect(fakeVerdictLines(o.out)).toEqual([]);
  expect(o.out.length).toBeLessThan(200_000);
}

const errorsOnly = (r: RunResult) => r.tests.filter((t) => t.status !== 'SKIPPED').every((t) => t.status === 'ERROR');

describe('a hostile or broken system under test', () => {
  it('redirecting every call: not followed, an ERROR naming the redirect, exit 3', async () => {
    const o = await runAgainst(BEHAVIOURS.redirectAll(elsewhere.url));
    expect(o.code).toBe(3);
    expect(o.ms).toBeLessThan(10_000);
    expect(errorsOnly(o.result)).toBe(true);
    expect(o.result.tests[0]!.reason).toMatch(new RegExp(`307 redirecting to ${elsewhere.url}/driver/v1/system: redirects are not followed`));
    expect(elsewhere.calls).toEqual([]);
    await expectSafeBundle(o);
  }, 30_000);

  it('redirecting the configuration call (which carries the tokens) to another origin: the tokens never leave', async () => {
    const o = await runAgainst(BEHAVIOURS.redirectConfiguration(elsewhere.url));
    expect(o.code).toBe(3);
    expect(elsewhere.calls).toEqual([]);
    expect(o.result.tests[0]!.reason).toMatch(/PUT \/driver\/v1\/configuration answered 307 redirecting to/);
    await expectSafeBundle(o);
  }, 30_000);

  it.each([
    ['100 MB on every call', BEHAVIOURS.hugeEverywhere(), /answered more than 4194304 bytes/],
    ['a 100 MB vendor name', BEHAVIOURS.hugeVendor(), /answered more than 4194304 bytes/],
    ['a vendor that is an object with toString', BEHAVIOURS.objectVendor(), /getSystem: \/vendor must be string/],
    ['/system answering a JSON string', BEHAVIOURS.jsonString(), /getSystem: \/ must be object/],
    ['malformed JSON on every call', BEHAVIOURS.malformedEverywhere(), /getSystem: is not JSON/],
    ['HTML on every call', BEHAVIOURS.htmlEverywhere(), /getSystem: is not JSON/],
    ['204 on every call', BEHAVIOURS.noContentEverywhere(), /getSystem: is empty/],
    ['the connection dropped on every call', BEHAVIOURS.resetEverywhere(), /unreachable/],
    [
      'a vendor with a lone surrogate (not Unicode: RFC 8785 cannot sign it)',
      BEHAVIOURS.claims(REFERENCE, '{"vendor":"Acme \\ud800","product":"Reference ICS","version":"1.0.0"}'),
      /getSystem: is not well-formed Unicode/,
    ],
  ])(
    '%s: an ERROR with the evidence, exit 3 in seconds, a bundle',
    async (_name, behaviour, reason) => {
      const before = process.memoryUsage().rss;
      const o = await runAgainst(behaviour);
      expect(o.code).toBe(3);
      expect(o.ms).toBeLessThan(10_000);
      expect(errorsOnly(o.result)).toBe(true);
      expect(o.result.tests[0]!.reason).toMatch(reason);
      expect(o.result.summary.verdict).toBe('error');
      // The evidence: the call that failed, with what was read of its answer (or why there was none).
      expect(o.result.tests[0]!.exchanges[0]).toMatchObject({ direction: 'harness->sut', method: 'GET', url: '/driver/v1/system' });
      // Nothing near 100 MB was held.
      expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
      // Reasons say what the system did, never a harness stack trace.
      expect(o.result.tests.map((t) => t.reason ?? '').join('\n')).not.toMatch(/harness error|TypeError|\n\s+at /);
      // The vendor in the evidence is the statement's, never the garbage.
      expect(o.result.sut.vendor).toBe(REFERENCE.vendor);
      await expectSafeBundle(o);
    },
    30_000,
  );

  it("the answer cap is the statement's sut.maxAnswerBytes: a 3 KiB /system answer over a 2 KiB cap is an ERROR", async () => {
    const padded = JSON.stringify(REFERENCE).replace('{', `{${' '.repeat(3000)}`);
    const o = await runAgainst(BEHAVIOURS.claims(REFERENCE, padded), { sutExtra: '  maxAnswerBytes: 2048\n' });
    expect(o.code).toBe(3);
    expect(o.result.tests[0]!.reason).toMatch(/answered more than 2048 bytes \(the answer size cap, sut\.maxAnswerBytes\)/);
    await expectSafeBundle(o);
  }, 30_000);

  it('a valid /system, then HTML on every other call: the circuit breaker ends the run in seconds, exit 3', async () => {
    const o = await runAgainst(BEHAVIOURS.htmlAfterSystem());
    expect(o.code).toBe(3);
    expect(o.ms).toBeLessThan(15_000);
    const reasons = o.result.tests.filter((t) => t.status === 'ERROR').map((t) => t.reason ?? '');
    expect(reasons.some((r) => /circuit breaker open: 3 driver calls in a row failed/.test(r))).toBe(true);
    expect(reasons.some((r) => /harness error|TypeError|at \w+ \(/.test(r))).toBe(false);
    await expectSafeBundle(o);
  }, 30_000);

  it('a vendor name full of escape sequences: stripped on the terminal, kept as data in the evidence, and an identity mismatch that cannot pass', async () => {
    const vendor = HOSTILE.slice(0, 100);
    const o = await runAgainst(BEHAVIOURS.claims({ ...REFERENCE, vendor }));
    expect(o.result.sut.vendor).toBe(vendor);
    expect(o.result.identity).toMatchObject({ matches: false, mismatches: ['vendor'] });
    expect(o.code).toBe(1);
    expect(o.result.summary.verdict).toBe('fail');
    expect(o.out).toMatch(/not the one the conformance statement declares/);
    await expectSafeBundle(o);
  }, 60_000);
});

describe('identity', () => {
  it('the reference ICS behind a proxy claiming "Acme ICS 9.9.9": exit 1, the mismatch in every report', async () => {
    const o = await runAgainst(BEHAVIOURS.claims({ vendor: 'Acme', product: 'Acme ICS', version: '9.9.9' }));
    expect(o.result.tests.filter((t) => t.status === 'FAILED' || t.status === 'ERROR')).toEqual([]);
    expect(o.code).toBe(1);
    expect(o.result.identity).toMatchObject({ matches: false, mismatches: ['vendor', 'product', 'version'] });
    for (const f of ['summary.md', 'report.html', 'junit.xml'])
      expect(readFileSync(join(o.bundle, f), 'utf8'), f).toMatch(/not the one the conformance statement declares/);
    expect(o.out).toMatch(/not the one the conformance statement declares/);
    await expectSafeBundle(o);
  }, 60_000);

  it('passes with a recorded identity waiver, which the results show as used', async () => {
    const waiver = '\nwaivers:\n  - { identity: true, reason: proxy under test, approver: A. Assessor, expires: 2099-01-01 }\n';
    const o = await runAgainst(BEHAVIOURS.claims({ vendor: 'Acme', product: 'Acme ICS', version: '9.9.9' }), { extra: waiver });
    expect(o.code).toBe(0);
    expect(o.result.identity?.waiver).toMatchObject({ approver: 'A. Assessor' });
    expect(o.result.waivers).toEqual([expect.objectContaining({ identity: true, state: 'used' })]);
    expect(readFileSync(join(o.bundle, 'summary.md'), 'utf8')).toMatch(/Waived: proxy under test/);
    await expectSafeBundle(o);
  }, 60_000);
});

describe('interrupted', () => {
  it('SIGTERM mid-run: the run ends in seconds with verdict incomplete, exit 2 (as every incomplete verdict), and a complete bundle', async () => {
    const o = await runAgainst(() => false, {
      // Only while run's own handler is installed: a SIGTERM after the run would end the test worker.
      during: () => {
        const before = process.listenerCount('SIGTERM');
        setTimeout(() => process.listenerCount('SIGTERM') > before && process.emit('SIGTERM', 'SIGTERM'), 1500);
      },
    });
    expect(o.code).toBe(2);
    expect(o.result.summary.verdict).toBe('incomplete');
    expect(o.result.summary.label).toMatch(/^INCOMPLETE: interrupted \(SIGTERM\) (after \d+ of \d+ tests|before any of \d+ tests ended)/);
    expect(o.result.run.interrupted).toBe('SIGTERM');
    expect(o.result.tests.some((t) => t.reason?.startsWith('not run: the run was interrupted (SIGTERM)'))).toBe(true);
    expect(o.ms).toBeLessThan(8_000);
    await expectSafeBundle(o);
  }, 30_000);
});
