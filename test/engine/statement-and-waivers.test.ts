import { describe, expect, it } from 'vitest';
import { parseStatement, STATEMENT_TEMPLATE, ConfigError } from '../../src/harness/model/statement.js';
import { selectTests } from '../../src/harness/engine/runner.js';
import { runDemo, referenceStatement } from '../../src/harness/app/demo.js';
import { ALL_SUITES } from '../../suites/index.js';
import type { Suite } from '../../src/harness/engine/types.js';

const only = (id: string): Suite[] => ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === id) })).filter((s) => s.tests.length);

describe('conformance statement', () => {
  it('the init template is a valid statement', () => {
    const s = parseStatement(STATEMENT_TEMPLATE, 'template');
    expect(s.capabilities).toEqual(['contactpoint-feed', 'local-ecaf']);
  });

  it('refuses unknown fields and capabilities with the path', () => {
    expect(() => parseStatement('vendor: a\nproduct: b\nversion: c\nsourceSystemType: ics\ncapabilities: [teleport]\n', 'x.yml')).toThrow(
      /capabilities\/0/,
    );
    expect(() => parseStatement('vendor: a\nproduct: b\nversion: c\nsourceSystemType: ics\ncapabilities: []\ncolour: red\n', 'x.yml')).toThrow(
      /colour/,
    );
  });

  it('declared capabilities select suites; undeclared ones are SKIPPED with the reason; mandatory tests cannot be deselected', () => {
    const s = parseStatement('vendor: a\nproduct: b\nversion: c\nsourceSystemType: ics\ncapabilities: [contactpoint-feed]\n', 'x');
    const sel = selectTests(s, ALL_SUITES);
    expect(sel.find((x) => x.test.id === 'CP-CAF-001.indicator-on-log')!.skip).toMatch(/local-ecaf.*not declared/);
    expect(sel.find((x) => x.test.id === 'CP-FEED-009.referral-uploads')!.skip).toBeUndefined();
    expect(() => selectTests({ ...s, deselect: ['CP-FEED-009.referral-uploads'] }, ALL_SUITES)).toThrow(ConfigError);
    expect(
      selectTests({ ...s, deselect: ['CP-FEED-011.initial-load'] }, ALL_SUITES).find((x) => x.test.id === 'CP-FEED-011.initial-load')!.skip,
    ).toMatch(/deselected/);
    expect(() => selectTests({ ...s, deselect: ['no-such-test'] }, ALL_SUITES)).toThrow(/unknown test/);
  });
});

describe('waivers and attestations', () => {
  it('a waiver turns a known failure into a reported, non-blocking one; expired and unused waivers are reported', async () => {
    const statement = {
      ...referenceStatement(),
      timeouts: { messageMs: 1000, giveUpMs: 2000, quietMs: 100 },
      waivers: [
        { requirement: 'CP-FEED-008', reason: 'fix in 4.3', approver: 'J. Smith', expires: '2099-01-01' },
        { requirement: 'CP-FEED-002', reason: 'never needed', approver: 'J. Smith', expires: '2099-01-01' },
        { test: 'CP-FEED-008.end-not-delete', reason: 'old', approver: 'J. Smith', expires: '2001-01-01' },
      ],
    };
    const r = await runDemo({ variants: ['drops-end-date'], suites: only('CP-FEED-008.end-not-delete'), statement });
    expect(r.tests[0]!.status).toBe('FAILED');
    expect(r.tests[0]!.waiver).toMatchObject({ approver: 'J. Smith' });
    expect(r.summary).toMatchObject({ exitCode: 0, waived: 1 });
    expect(r.waivers.map((w) => w.state)).toEqual(['used', 'unused', 'expired']);
    expect(r.requirements.find((q) => q.id === 'CP-FEED-008')!.status).toBe('WAIVED');
    const unwaived = await runDemo({
      variants: ['drops-end-date'],
      suites: only('CP-FEED-008.end-not-delete'),
      statement: { ...statement, waivers: [statement.waivers[2]!] },
    });
    expect(unwaived.summary.exitCode).toBe(1);
  });

  it('without an answer an attestation step is REVIEW (not a pass), and a "no" fails it', async () => {
    const base = referenceStatement();
    const pending = await runDemo({ suites: only('SEC-TLS-001.attestation'), statement: { ...base, attestations: [] } });
    expect(pending.tests[0]!.status).toBe('REVIEW');
    expect(pending.requirements.find((q) => q.id === 'SEC-TLS-001')!.status).toBe('REVIEW');
    const no = await runDemo({
      suites: only('SEC-TLS-001.attestation'),
      statement: { ...base, attestations: [{ requirement: 'SEC-TLS-001', answer: 'no', note: 'plain HTTP in production' }] },
    });
    expect(no.tests[0]!.status).toBe('FAILED');
    expect(no.summary.exitCode).toBe(1);
  });

  it('an unreachable system under test is an ERROR for every selected test and exit code 3', async () => {
    const { HttpDriver } = await import('../../src/harness/engine/driver.js');
    const { MockClient } = await import('../../src/harness/engine/mock-client.js');
    const { runSuites } = await import('../../src/harness/engine/runner.js');
    const { startServer } = await import('../../src/mock-server/server.js');
    const srv = await startServer({ port: 0, controlToken: 'ctl' });
    try {
      const r = await runSuites({
        statement: referenceStatement(),
        driver: new HttpDriver('http://127.0.0.1:9'),
        mock: new MockClient(srv.url, 'ctl'),
        mockPublicUrl: srv.url,
        suites: only('CP-FEED-009.referral-uploads'),
      });
      expect(r.tests[0]!.status).toBe('ERROR');
      expect(r.tests[0]!.reason).toMatch(/unreachable/);
      expect(r.summary.exitCode).toBe(3);
    } finally {
      await srv.close();
    }
  });
});
