/**
 * `run --interactive` as a tester meets it: the real CLI in a child process, its stdin piped, a
 * simulated tester reading the prompts and typing (issue 20). Ctrl-C while a prompt waits, and while
 * the harness waits for the ICS's message, writes a bundle marked INCOMPLETE that verify accepts;
 * the refusal of the ICS's message is shown the moment it arrives; --resume finishes the run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, BIN, ROOT } from '../support/build.js';
import { verifyBundle, verifyText } from '../../src/harness/evidence/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-tty-'));
const statement = join(dir, 'ics-conformance.yml');
// No recorded attestations: the tester answers them at the prompt.
writeFileSync(statement, 'vendor: Example Vendor\nproduct: Example ICS\nversion: 2.1.0\nsourceSystemType: ics\ncapabilities: [contactpoint-feed]\n');

beforeAll(() => ensureBuilt(), 180_000);

/** The CLI with a tester at its stdin: `until` waits for the output to show something new. */
function session(args: string[]) {
  const proc: ChildProcess = spawn(process.execPath, [BIN, 'run', '--interactive', '--config', statement, ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  let seen = 0;
  const listeners = new Set<() => void>();
  proc.stdout!.on('data', (d: Buffer) => ((out += d.toString()), listeners.forEach((l) => l())));
  proc.stderr!.on('data', (d: Buffer) => ((err += d.toString()), listeners.forEach((l) => l())));
  const exited = new Promise<number | null>((resolve) => proc.once('close', resolve));
  const killer = setTimeout(() => proc.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(killer));
  return {
    proc,
    out: () => out,
    err: () => err,
    type: (line: string) => proc.stdin!.write(`${line}\n`),
    /** Resolves with the match once the output after the last match shows `re`. */
    until(re: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.slice(seen).match(re);
          if (!m) return false;
          seen += (m.index ?? 0) + m[0].length;
          listeners.delete(check);
          clearTimeout(t);
          resolve(m);
          return true;
        };
        const t = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${re} in:\n${out.slice(seen)}\nstderr:\n${err}`));
        }, ms);
        if (!check()) listeners.add(check);
      });
    },
    exited,
  };
}

const results = (d: string) => JSON.parse(readFileSync(join(d, 'results.json'), 'utf8'));

describe('run --interactive at a terminal', () => {
  const out = join(dir, 'witnessed');

  it('help, an answered attestation, then Ctrl-C at the next prompt: a bundle marked INCOMPLETE (exit 2) that verify accepts', async () => {
    const s = session(['--only', 'CP-FEED-011', 'SEC-TLS-001', '--out', out, '--reporter', 'json', 'console']);
    await s.until(/>> Point the ICS at the mock national services/);
    await s.until(/Press Enter when done: /);
    s.type('?');
    await s.until(/s {6}skip this test/);
    s.type('');
    await s.until(/\?\? Did the initial load go through the bulk feed/);
    s.type('y');
    await s.until(/Note \(optional\): /);
    s.type("Witnessed on the vendor's screen");
    await s.until(/Your name: /);
    s.type('A. Assessor');
    await s.until(/PASSED\s+CP-FEED-011\.initial-load/, 40_000);
    await s.until(/\?\? Does the system use TLS/);
    s.proc.kill('SIGINT');
    expect(await s.exited, s.err()).toBe(2);
    expect(s.err()).toContain('SIGINT: ending the run and writing its evidence');
    const r = results(out);
    expect(r.summary).toMatchObject({ verdict: 'incomplete', exitCode: 2 });
    expect(r.summary.label).toMatch(
      /^PARTIAL \(2 of \d+ tests, --only CP-FEED-011 SEC-TLS-001\): INCOMPLETE: interrupted \(SIGINT\) after 1 of 2 tests \(PASS so far\)$/,
    );
    expect(r.tests.map((t: { id: string; status: string }) => `${t.id} ${t.status}`)).toEqual([
      'CP-FEED-011.initial-load PASSED',
      'SEC-TLS-001.attestation ERROR',
    ]);
    expect(r.tests[0].attestations[0]).toMatchObject({ answer: 'yes', by: 'A. Assessor', note: "Witnessed on the vendor's screen" });
    expect(r.tests[1].reason).toMatch(/the run was interrupted \(SIGINT\)/);
    expect(s.out()).toContain(`ics-conformance run --resume ${out} --interactive`);
    const v = await verifyBundle(out);
    expect(v.ok, JSON.stringify(v.problems)).toBe(true);
    expect(verifyText(v)).toMatch(/verdict incomplete/);
  }, 90_000);

  it('--resume keeps the answered attestation, asks only the rest, and writes one bundle verify accepts', async () => {
    const before = results(out);
    const s = session(['--resume', out, '--only', 'CP-FEED-011', 'SEC-TLS-001', '--reporter', 'json']);
    await s.until(/Resuming .*: 1 of 2 tests kept/);
    await s.until(/Press Enter when done: /);
    s.type('');
    await s.until(/\?\? Does the system use TLS/);
    s.type('yes');
    s.type('');
    s.type('A. Assessor');
    expect(await s.exited, s.err()).toBe(2);
    expect(s.out()).not.toContain('Did the initial load');
    const r = results(out);
    expect(r.run.id).toBe(before.run.id);
    expect(r.summary.label).toMatch(/^PARTIAL \(2 of \d+ tests, --only CP-FEED-011 SEC-TLS-001\): PASS$/);
    expect(r.tests[0]).toEqual(before.tests[0]);
    expect(r.tests[1]).toMatchObject({ id: 'SEC-TLS-001.attestation', status: 'PASSED' });
    expect((await verifyBundle(out)).ok).toBe(true);
  }, 90_000);

  it("shows the refusal of the ICS's message while it waits; Ctrl-C then ends the five-minute wait at once, the refusal kept as evidence", async () => {
    const out2 = join(dir, 'refused');
    const s = session(['--only', 'CP-FEED-009.referral-uploads', '--out', out2, '--reporter', 'json']);
    const point = await s.until(/ContactPoint (\S+)\/contactpoint\/v1 {2}token (\S+)/);
    const [base, token] = [point[1]!, point[2]!];
    s.type('');
    await s.until(/>> Register a new child in the ICS/);
    s.type('');
    await s.until(/>> Record a /);
    s.type('');
    await s.until(/Press Enter when done: /);
    // The "ICS" sends a message the mock refuses; the harness is now waiting (minutes) for an accepted one.
    const res = await fetch(`${base}/contactpoint/v1/involvements`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(422);
    await s.until(/<- REFUSED POST \/contactpoint\/v1\/involvements: 422\n\s+\/\S* .+\(.+, [A-Z]+-[A-Z]+-\d+\)/);
    const t0 = Date.now();
    s.proc.kill('SIGINT');
    expect(await s.exited, s.err()).toBe(2);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const r = results(out2);
    expect(r.summary.verdict).toBe('incomplete');
    expect(r.tests[0].status).toBe('ERROR');
    expect(r.tests[0].reason).toMatch(/the run was interrupted \(SIGINT\)/);
    expect(r.tests[0].exchanges.some((e: { status: number; direction: string }) => e.status === 422 && e.direction === 'sut->mock')).toBe(true);
    expect((await verifyBundle(out2)).ok).toBe(true);
  }, 90_000);

  it('s at a prompt skips that test and the run goes on; the verdict says PARTIAL, naming it', async () => {
    const out3 = join(dir, 'skipped');
    const s = session(['--only', 'CP-FEED-009.referral-uploads', 'SEC-TLS-001', '--out', out3, '--reporter', 'json']);
    await s.until(/Press Enter when done: /);
    s.type('');
    await s.until(/>> Register a new child in the ICS/);
    s.type('s');
    await s.until(/\?\? Does the system use TLS/, 40_000);
    s.type('n');
    s.type('no certificate check yet');
    s.type('A. Assessor');
    const code = await s.exited;
    const r = results(out3);
    expect(r.tests.map((t: { id: string; status: string }) => `${t.id} ${t.status}`)).toEqual([
      'CP-FEED-009.referral-uploads SKIPPED',
      'SEC-TLS-001.attestation FAILED',
    ]);
    expect(r.tests[0].reason).toBe('skipped at the terminal by the tester');
    // A "no" is a failure, partial or not.
    expect(code).toBe(1);
    expect(r.summary.label).toMatch(
      /^PARTIAL \(2 of \d+ tests, --only CP-FEED-009\.referral-uploads SEC-TLS-001; skipped at the terminal: CP-FEED-009\.referral-uploads\): FAIL$/,
    );
  }, 90_000);
});
