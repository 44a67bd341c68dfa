import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { REQUIREMENTS } from '../../src/harness/model/catalogue.js';
import { catalogueProblems } from '../../src/harness/engine/coverage.js';
import { ALL_SUITES } from '../../suites/index.js';
import type { Suite } from '../../src/harness/engine/types.js';

const ID = /['"`]((?:CP|ECAF|SEC|RES|STORY|CTL|DOC)(?:-[A-Z]+)*-\d{3})['"`]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every requirement ID the mocks and the engine cite in their code. */
function citedInCode() {
  return ['mocks', 'src', 'reference-ics']
    .flatMap(sourceFiles)
    .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(ID)].map((m) => ({ id: m[1]!, where: file })));
}

describe('requirement catalogue', () => {
  it('is consistent with the suites and with every ID the code cites', () => {
    expect(catalogueProblems(REQUIREMENTS, ALL_SUITES, citedInCode())).toEqual([]);
  });

  it("names test files that exist for the mock services' own requirements", () => {
    for (const r of REQUIREMENTS.filter((x) => x.appliesTo === 'service'))
      for (const f of r.verifiedBy!) expect(existsSync(f), `${r.id} -> ${f}`).toBe(true);
  });

  it('every requirement traces to a source with a quote or a domain note', () => {
    for (const r of REQUIREMENTS) {
      const s = r.source as { section?: string; quote?: string; domainNotes?: string };
      expect(s.domainNotes ?? s.quote, r.id).toBeTruthy();
    }
  });

  it('fails when a suite cites an unknown ID or a MUST has neither test nor reason', () => {
    const bad: Suite = {
      id: 'x',
      title: 'x',
      description: 'x',
      capability: 'core',
      tests: [{ id: 'x.1', title: 'x', requirements: ['CP-FEED-999'], run: async () => undefined }],
    };
    const problems = catalogueProblems(
      [
        ...REQUIREMENTS,
        { id: 'CP-FEED-998', level: 'MUST', capability: 'core', appliesTo: 'sut', statement: 'untested', source: { domainNotes: 'x' } },
      ],
      [...ALL_SUITES, bad],
      [{ id: 'CP-ZZZ-001', where: 'somewhere.ts' }],
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'x/x.1 cites unknown requirement CP-FEED-999',
        'MUST requirement CP-FEED-998 has neither a test nor a reason why none is possible',
        'somewhere.ts cites unknown requirement CP-ZZZ-001',
      ]),
    );
  });
});
