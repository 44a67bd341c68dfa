/** --only, --grep, --suite (decision 0051): a selection runs part of the statement, and says so everywhere; never a full PASS. */
import { describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { applySelection, partialSummary } from '../../src/harness/engine/selection.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import { ConfigError } from '../../src/harness/model/config-error.js';
import { verifyBundle, verifyText } from '../../src/harness/evidence/verify.js';
import { ALL_SUITES } from '../../suites/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ics-select-'));

async function quiet(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const spies = [
    vi.spyOn(console, 'log').mockImplementation(() => undefined),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (err += a.join(' ') + '\n')),
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true),
  ];
  try {
    return { code: await main(args), err };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}

describe('selecting tests', () => {
  const st = referenceStatement();
  const ids = (s: ReturnType<typeof applySelection>) => s.suites.flatMap((x) => x.tests.map((t) => t.id));

  it('--only takes test IDs and requirement IDs; --suite and --grep narrow further; N of M counts the tests the statement applies to', () => {
    const byTest = applySelection(st, ALL_SUITES, { only: ['CP-FEED-008.end-not-delete'] });
    expect(ids(byTest)).toEqual(['CP-FEED-008.end-not-delete']);
    expect(byTest.selected).toBe(1);
    expect(byTest.of).toBeGreaterThan(10);
    const byReq = applySelection(st, ALL_SUITES, { only: ['SEC-TLS-001'] });
    expect(
      ids(byReq).every((id) =>
        ALL_SUITES.flatMap((s) => s.tests)
          .find((t) => t.id === id)!
          .requirements.includes('SEC-TLS-001'),
      ),
    ).toBe(true);
    const suite = applySelection(st, ALL_SUITES, { suite: ['security'] });
    expect(suite.suites.map((s) => s.id)).toEqual(['security']);
    const grep = applySelection(st, ALL_SUITES, { suite: ['security'], grep: 'tls' });
    expect(ids(grep).length).toBeGreaterThan(0);
    expect(ids(grep).every((id) => /tls/i.test(id) || /tls/i.test(ALL_SUITES.flatMap((s) => s.tests).find((t) => t.id === id)!.title))).toBe(true);
    expect(grep.describe).toBe('--grep tls --suite security');
  });

  it('an unknown ID, suite or pattern, or a selection of nothing, is a usage error', () => {
    expect(() => applySelection(st, ALL_SUITES, { only: ['NO-SUCH-1'] })).toThrow(ConfigError);
    expect(() => applySelection(st, ALL_SUITES, { suite: ['nope'] })).toThrow(/no suite "nope"/);
    expect(() => applySelection(st, ALL_SUITES, { grep: '(' })).toThrow(/not a regular expression/);
    expect(() => applySelection(st, ALL_SUITES, { suite: ['security'], only: ['CP-FEED-008.end-not-delete'] })).toThrow(/selects no test/);
  });

  it('a partial pass is incomplete (exit 2), a partial failure keeps its verdict; the label never starts PASS', () => {
    const pass = {
      total: 1,
      PASSED: 1,
      FAILED: 0,
      WARNING: 0,
      SKIPPED: 0,
      ERROR: 0,
      REVIEW: 0,
      waived: 0,
      verdict: 'pass' as const,
      label: 'PASS',
      exitCode: 0 as const,
    };
    expect(partialSummary(pass, '1 of 27 tests, --only X')).toMatchObject({
      verdict: 'incomplete',
      exitCode: 2,
      label: 'PARTIAL (1 of 27 tests, --only X): PASS',
    });
    expect(partialSummary({ ...pass, verdict: 'fail', label: 'FAIL', exitCode: 1 }, 'x')).toMatchObject({ verdict: 'fail', exitCode: 1 });
  });

  it('demo --only: PARTIAL in results.json, summary.md, report.html and junit.xml, exit 2, and verify reports it as partial', async () => {
    const out = join(dir, 'only');
    const r = await quiet(['demo', '--only', 'CP-FEED-008', '--out', out, '--reporter', 'json', 'markdown', 'html', 'junit']);
    expect(r.code, r.err).toBe(2);
    const res = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(res.summary.verdict).toBe('incomplete');
    expect(res.summary.label).toMatch(/^PARTIAL \(\d+ of \d+ tests, --only CP-FEED-008\): PASS$/);
    expect(res.tests.every((t: { requirements: string[] }) => t.requirements.includes('CP-FEED-008'))).toBe(true);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/PARTIAL \(\d+ of \d+ tests, --only CP-FEED-008\): PASS/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/PARTIAL \(\d+ of \d+ tests, --only CP-FEED-008\): PASS/);
    expect(readFileSync(join(out, 'junit.xml'), 'utf8')).toMatch(/PARTIAL \(\d+ of \d+ tests, --only CP-FEED-008\): PASS \(exit 2\)/);
    const v = await verifyBundle(out);
    expect(v.ok, JSON.stringify(v.problems)).toBe(true);
    expect(verifyText(v)).toMatch(/verdict incomplete \(PARTIAL .*\): PASS\)/);
    expect(verifyText(v)).toContain('A partial run');
  }, 60_000);

  it('a failure in a partial run is still a failure: demo --variant drops-end-date --only CP-FEED-008 exits 1', async () => {
    const out = join(dir, 'fail');
    const r = await quiet(['demo', '--variant', 'drops-end-date', '--only', 'CP-FEED-008', '--out', out, '--reporter', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).summary.label).toMatch(/^PARTIAL \(.*\): FAIL$/);
  }, 60_000);

  it('run --only with an unknown ID is exit 2 before anything starts', async () => {
    const r = await quiet(['run', '--config', 'no-such.yml', '--only', 'X']);
    expect(r.code).toBe(2);
    const r2 = await quiet(['demo', '--only', 'NO-SUCH-9', '--out', join(dir, 'unknown')]);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain('--only: no test or requirement "NO-SUCH-9"');
  });
});
