/**
 * The demo passes for every kind of source system: the reference system in each mode, with the
 * statement its kind declares, runs every suite that applies and passes it; what does not apply is
 * skipped with the reason from the profile table (docs/decisions/0035-source-system-profiles.md).
 */
import { describe, expect, it } from 'vitest';
import { runDemo, referenceStatement } from '../../src/harness/app/demo.js';
import { PROFILES, SOURCE_SYSTEM_TYPES, type SourceSystemType } from '../../src/harness/model/profiles.js';
import { SERVICE_TYPES } from '../../mocks/contactpoint/schemas.js';
import { documentedSuites, suitesRun } from '../support/source-system-docs.js';

// The ICS demo is test/engine/demo.test.ts.
const others = SOURCE_SYSTEM_TYPES.filter((p): p is Exclude<SourceSystemType, 'ics'> => p !== 'ics');

// Seven demos at once, each ~25 s of waiting for the reference system: the default 30 s timed them out on a busy 2-core machine.
describe.concurrent('demo per source-system type', () => {
  it.each(others)(
    'passes as a %s system',
    async (profile) => {
      const r = await runDemo({ profile });
      expect(r.statement.sourceSystemType).toBe(profile);
      const bad = r.tests.filter(
        (t) => t.status !== 'PASSED' && !(t.status === 'SKIPPED' && /^(not applicable to an? |capability ")/.test(t.reason ?? '')),
      );
      expect(bad.map((t) => `${t.id}: ${t.status} ${t.reason ?? ''}`)).toEqual([]);
      expect(r.summary).toMatchObject({ verdict: 'pass', exitCode: 0 });
      // What the system sent is what its kind reports: its own services only.
      const services = new Set(
        r.tests
          .flatMap((t) => t.exchanges)
          .filter((e) => e.operationId === 'submitInvolvement' && e.direction === 'sut->mock')
          .map((e) => (e.requestBody as { involvement: { service: string } }).involvement.service),
      );
      for (const s of services) expect(PROFILES[profile].services, `${profile} sent ${s}`).toContain(s);
      if (PROFILES[profile].capabilities.includes('contactpoint-feed')) expect(services.size).toBeGreaterThan(0);
      // The vendor's page for this kind names exactly the suites that judged something in its run.
      expect(documentedSuites(profile), `docs/source-systems.md#${profile}: "Suites that apply:"`).toEqual(suitesRun(r.tests));
    },
    180_000,
  );
});

describe('profile table', () => {
  it('names real services, and capabilities the reference statement can declare', () => {
    for (const p of Object.values(PROFILES)) {
      for (const s of p.services) expect(SERVICE_TYPES).toContain(s);
      if (p.mainService) expect(p.services).toContain(p.mainService);
      expect(p.caseload.minAge).toBeLessThanOrEqual(p.caseload.maxAge);
      expect(referenceStatement(p.type).capabilities.every((c) => p.capabilities.includes(c))).toBe(true);
    }
  });
  it('only a type that reports involvements can declare the feed (local eCAF: CAF indicators only)', () => {
    expect(
      Object.values(PROFILES)
        .filter((p) => !p.mainService)
        .map((p) => p.type),
    ).toEqual(['local-ecaf']);
    expect(PROFILES['local-ecaf'].capabilities).not.toContain('contactpoint-feed');
  });
});
