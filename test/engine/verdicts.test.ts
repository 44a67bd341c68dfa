/**
 * Verdicts that hold: labels come from the outcome, a scenario judges only its own child's traffic,
 * and the mock's refusal is shown as the root cause (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { runDemo, referenceStatement } from '../../src/harness/app/demo.js';
import { selectTests, summarise } from '../../src/harness/engine/runner.js';
import { ConfigError } from '../../src/harness/model/statement.js';
import { ALL_SUITES } from '../../suites/index.js';
import { markdownSummary } from '../../src/harness/reporters/markdown.js';
import { summaryText } from '../../src/harness/reporters/console.js';
import type { Suite, TestResult } from '../../src/harness/engine/types.js';

const only = (...ids: string[]): Suite[] =>
  ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => ids.includes(t.id)) })).filter((s) => s.tests.length);
const fast = (extra: Record<string, unknown> = {}) => ({
  ...referenceStatement(),
  timeouts: { messageMs: 2000, giveUpMs: 2500, quietMs: 100, sutRequestMs: 500 },
  ...extra,
});
const result = (status: TestResult['status']): TestResult => ({
  id: 'x',
  suite: 's',
  title: 't',
  requirements: [],
  capability: 'core',
  mandatory: true,
  status,
  startedAt: '',
  durationMs: 0,
  checks: [],
  exchanges: [],
  attestations: [],
  steps: [],
});

describe('honest verdicts', () => {
  it('a statement that declares no capability is a usage error, not a PASS of the core tests', () => {
    expect(() => selectTests({ ...referenceStatement(), capabilities: [] }, ALL_SUITES)).toThrow(ConfigError);
  });

  it('a run whose every test was skipped is INCOMPLETE (exit 2)', () => {
    expect(summarise([result('SKIPPED'), result('SKIPPED')])).toMatchObject({ verdict: 'incomplete', label: 'INCOMPLETE', exitCode: 2 });
    expect(summarise([result('SKIPPED'), result('PASSED')])).toMatchObject({ verdict: 'pass', label: 'PASS', exitCode: 0 });
  });

  it('tests awaiting review make the verdict "PASS, N awaiting review" in every reporter', async () => {
    const r = await runDemo({ suites: only('SEC-TLS-001.attestation', 'CP-FEED-011.initial-load'), statement: fast({ attestations: [] }) });
    expect(r.summary).toMatchObject({ verdict: 'pass', label: 'PASS, 2 awaiting review', exitCode: 0 });
    expect(markdownSummary(r)).toContain('PASS, 2 awaiting review');
    expect(summaryText(r)).toContain('PASS, 2 awaiting review (exit 0)');
  });

  it('a passing ECAF-OUT-001 says what it found, not "differs"', async () => {
    const r = await runDemo({ suites: only('ECAF-OUT-001.transfer-complete'), statement: fast() });
    const t = r.tests[0]!;
    expect(t.status, t.reason).toBe('PASSED');
    const labels = t.checks.map((c) => JSON.stringify(c.actual ?? ''));
    expect(labels.filter((a) => /differ|missing/.test(a))).toEqual([]);
  });
});

describe('each scenario judges only its own traffic', () => {
  it("a late message about one scenario's child is judged there, and never takes the next scenario's fault", async () => {
    // The delayed sender's last update in CP-FEED-009 comes 1.5 s after that test has ended, while
    // RES-001.lost-acknowledgement has a dropped connection armed for "its" first attempt.
    const r = await runDemo({
      variants: ['delayed-sending'],
      suites: only('CP-FEED-009.referral-uploads', 'RES-001.lost-acknowledgement'),
      statement: fast({ timeouts: { messageMs: 4000, giveUpMs: 4000, quietMs: 100, sutRequestMs: 500 } }),
    });
    const [feed, res] = r.tests;
    expect(feed!.status, feed!.reason).toBe('PASSED');
    expect(res!.status, res!.reason).toBe('PASSED');
    expect(
      feed!.exchanges.some((e) => e.late === true && e.operationId === 'submitInvolvement'),
      'the straggler is filed with its own scenario',
    ).toBe(true);
    expect(res!.exchanges.filter((e) => e.late)).toEqual([]);
  });
});

describe('root cause first', () => {
  it('a refused message is the first check shown, with its requirement; "nothing arrived" is not said', async () => {
    const r = await runDemo({ variants: ['drops-end-date'], suites: only('CP-FEED-008.end-not-delete'), statement: fast() });
    const t = r.tests[0]!;
    expect(t.checks[0]).toMatchObject({ cause: 'refusal', verdict: 'fail', requirement: 'CP-FEED-008' });
    expect(t.reason).toMatch(/^CP-FEED-008: no accepted message with end date .* was refused \(409\)/);
    expect(t.checks.filter((c) => /arrived within/.test(c.message))).toEqual([]);
  });
});

describe('a fault of the harness itself', () => {
  it('ends that test ERROR with the cause and the run goes on to write its result', async () => {
    const broken: Suite = {
      id: 'broken',
      title: 'A test whose judging fails inside the harness',
      description: 'Its checks list cannot be sorted, so concluding the test throws.',
      capability: 'core',
      tests: [
        {
          id: 'BROKEN.judging',
          title: 'judging throws',
          requirements: ['SEC-AUTH-001'],
          async run(t) {
            t.check('SEC-AUTH-001', true, 'ok');
            Object.defineProperty(t.checks, 'sort', {
              value: () => {
                throw new Error('cannot sort');
              },
            });
          },
        },
      ],
    };
    const r = await runDemo({ suites: [broken, ...only('SEC-ISO-001.own-records-only')], statement: fast() });
    expect(r.tests[0]).toMatchObject({ id: 'BROKEN.judging', status: 'ERROR' });
    expect(r.tests[0]!.reason).toMatch(/^harness error: Error: cannot sort/);
    expect(r.tests[1]!.status, r.tests[1]!.reason).toBe('PASSED');
    expect(r.summary).toMatchObject({ verdict: 'error', exitCode: 3 });
  });
});
