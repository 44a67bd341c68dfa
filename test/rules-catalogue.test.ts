/**
 * The rules tables of every service (mocks/rules.ts) as a whole: each rule has a known code with its
 * status, a requirement the catalogue holds, and a docs anchor that exists; the field tables cite
 * known requirements; the engine's look-ups answer from the tables. docs/errors.md is checked
 * against the merged code catalogue by errors-catalogue.test.ts.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERRORS, RULES, requirementForCode, requirementForItem, requirementForProblem } from '../mocks/rules.js';
import { requirement } from '../src/harness/model/catalogue.js';
import { CAF_INDICATOR_FIELDS, INVOLVEMENT_FIELDS } from '../mocks/contactpoint/rules.js';
import { MIGRATION_EPISODE_FIELDS, TRANSFER_FIELDS } from '../mocks/ecaf/rules.js';
import { CONTACTPOINT_ERRORS } from '../mocks/contactpoint/rules.js';
import { ECAF_ERRORS } from '../mocks/ecaf/rules.js';
import { SERVICES } from '../src/mock-server/services.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** GitHub's anchor for a markdown heading. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\s-]/g, '')
    .replace(/\s/g, '-');

function anchors(file: string): Set<string> {
  return new Set([...readFileSync(join(ROOT, file), 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

describe('every rule of every service', () => {
  it("has a code from the catalogue, with that code's status", () => {
    const wrong = RULES.filter((r) => ERRORS[r.error.code as keyof typeof ERRORS] !== r.error || r.status !== r.error.status).map(
      (r) => `${r.service}:${r.id}`,
    );
    expect(wrong).toEqual([]);
  });

  it("has a requirement the catalogue holds; `breaks`, when given, is one on the vendor's system", () => {
    expect(RULES.filter((r) => !requirement(r.requirement)).map((r) => `${r.service}:${r.id} ${r.requirement}`)).toEqual([]);
    expect(RULES.filter((r) => r.breaks && requirement(r.breaks)?.appliesTo !== 'sut').map((r) => `${r.service}:${r.id} ${r.breaks}`)).toEqual([]);
  });

  it('has a docs anchor that exists in a shipped docs page', () => {
    const bad = RULES.filter((r) => {
      const [file, anchor] = r.anchor.split('#');
      return !file || !anchor || !file.startsWith('docs/') || !existsSync(join(ROOT, file)) || !anchors(file).has(anchor);
    }).map((r) => `${r.service}:${r.id} ${r.anchor}`);
    expect(bad).toEqual([]);
  });

  it("is raised somewhere: its check is in the table, or its key is in the service's code", () => {
    const code = (d: string): string =>
      readdirSync(join(ROOT, d), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts') && f !== 'rules.ts' && f !== 'errors.ts')
        .map((f) => readFileSync(join(ROOT, d, f), 'utf8'))
        .join('\n');
    const text = { contactpoint: code('mocks/contactpoint'), ecaf: code('mocks/ecaf') };
    const hasCheck = (r: object) => 'involvement' in r || 'caf' in r;
    expect(RULES.filter((r) => !hasCheck(r) && !text[r.service].includes(`'${r.id}'`)).map((r) => `${r.service}:${r.id}`)).toEqual([]);
  });

  it("every requirement a service declares beside its rules is in the catalogue as the service's own, once", () => {
    const declared = SERVICES.flatMap((s) => s.requirements.map((r) => ({ service: s.name, ...r })));
    expect(
      declared.filter((r) => requirement(r.id)?.appliesTo !== 'service' || requirement(r.id)?.statement !== r.statement).map((r) => r.id),
    ).toEqual([]);
    expect(new Set(declared.map((r) => r.id)).size).toBe(declared.length);
  });

  it('every code a service defines is the code of one of its rules', () => {
    const used = new Set(RULES.map((r) => r.error.code));
    expect(Object.keys({ ...CONTACTPOINT_ERRORS, ...ECAF_ERRORS }).filter((c) => !used.has(c))).toEqual([]);
  });

  it("every rule's code is asserted by an HTTP test of its service", () => {
    const dir = (d: string) =>
      readdirSync(join(ROOT, d))
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => readFileSync(join(ROOT, d, f), 'utf8'))
        .join('\n');
    const text = { contactpoint: dir('test/contactpoint'), ecaf: dir('test/ecaf') };
    expect(RULES.filter((r) => !text[r.service].includes(`'${r.error.code}'`)).map((r) => `${r.service}:${r.id} ${r.error.code}`)).toEqual([]);
  });
});

describe('field tables', () => {
  it('cite only requirements the catalogue holds', () => {
    const rows = [INVOLVEMENT_FIELDS, CAF_INDICATOR_FIELDS, TRANSFER_FIELDS, MIGRATION_EPISODE_FIELDS].flatMap((t) => t.rows);
    expect(rows.filter((r) => !requirement(r.requirement)).map((r) => `${r.pointer} ${r.requirement}`)).toEqual([]);
  });

  it('match pointers segment by segment, most specific row first', () => {
    expect(INVOLVEMENT_FIELDS.requirementAt('/child/identifiers/nhsNumber', 'format:nhs-number')).toBe('CP-FEED-003');
    expect(INVOLVEMENT_FIELDS.requirementAt('/child/identifiers', 'type')).toBe('CP-FEED-003');
    expect(INVOLVEMENT_FIELDS.requirementAt('/child/identifiersX', 'type')).toBe('CP-FEED-014');
    expect(INVOLVEMENT_FIELDS.requirementAt('/child/identifiers/extra', 'unknown-field')).toBe('CP-FEED-002');
    expect(INVOLVEMENT_FIELDS.requirementAt('', 'type')).toBe('CP-FEED-014');
    expect(TRANSFER_FIELDS.requirementAt('/episode/tac/3/contact/email', 'format:email')).toBe('ECAF-EPISODE-001');
    expect(TRANSFER_FIELDS.requirementAt('/episode/tac/3/agency', 'enum')).toBe('ECAF-EXCH-001');
  });
});

/** The rows of the markdown table that follows `heading` in a docs page: [paths in backticks, the last cell]. */
function docTable(file: string, after: string): Array<{ pointers: string[]; cells: string[] }> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const start = text.indexOf(after);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('| '));
  const rows: Array<{ pointers: string[]; cells: string[] }> = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('| ')) break;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    rows.push({ pointers: [...cells[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), cells });
  }
  return rows;
}

describe('the field tables as the interface specifications publish them', () => {
  const documented = (rows: ReturnType<typeof docTable>, pointer: string, rule: string | undefined, requirement: string) =>
    rows.some((d) => {
      const req = d.cells[d.cells.length - 1]!;
      if (pointer === '/**') return (rule ? d.cells[1] === `\`${rule}\`` : d.cells[0] === 'anything else') && req.includes(requirement);
      return d.pointers.includes(pointer) && req.startsWith(requirement);
    });

  it('docs/interface/contactpoint.md lists every row of the InvolvementMessage table', () => {
    const rows = docTable('docs/interface/contactpoint.md', '### Which requirement a refusal cites');
    expect(INVOLVEMENT_FIELDS.rows.filter((r) => !documented(rows, r.pointer, r.rule, r.requirement))).toEqual([]);
  });

  it("docs/interface/ecaf.md lists every row of the exchanged episode's table", () => {
    const rows = docTable('docs/interface/ecaf.md', 'where it is the requirement of the part the error is in');
    const parts = MIGRATION_EPISODE_FIELDS.rows.filter((r) => r.pointer !== '/**');
    expect(parts.filter((r) => !documented(rows, r.pointer, r.rule, r.requirement))).toEqual([]);
    expect(TRANSFER_FIELDS.rows.map((r) => r.pointer.replace(/^\/episode(?=\/)/, ''))).toEqual(MIGRATION_EPISODE_FIELDS.rows.map((r) => r.pointer));
  });
});

describe('what the engine reads from a refusal (mocks/rules.ts)', () => {
  it("a code that names one requirement on the vendor's system", () => {
    expect(requirementForCode('contactpoint', 'ICS_ERR_SENSITIVE_BASIS')).toBe('CP-FEED-006');
    expect(requirementForCode('contactpoint', 'ICS_ERR_AGE_LIMIT')).toBe('CP-FEED-005');
    expect(requirementForCode('ecaf', 'ICS_ERR_CONSENT_REQUIRED')).toBe('ECAF-OUT-002');
    expect(requirementForCode('ecaf', 'ICS_ERR_HELD_FOR_CONSENT')).toBe('ECAF-MIG-003');
  });

  it('nothing where the code alone does not say', () => {
    // Case information in an involvement (CP-FEED-002) or in a CAF indicator's assessor (CP-CAF-002).
    expect(requirementForCode('contactpoint', 'ICS_ERR_CASE_INFORMATION')).toBeUndefined();
    // eCAF's date rules guard the service, not a requirement on a vendor's system.
    expect(requirementForCode('ecaf', 'ICS_ERR_DATES')).toBeUndefined();
    expect(requirementForCode('contactpoint', 'ICS_ERR_NO_SUCH_CODE')).toBeUndefined();
  });

  it('an item, by its rule and requirement; a problem, by its first item and else its code', () => {
    expect(requirementForItem('contactpoint', { rule: 'case-information', requirement: 'CP-CAF-002' })).toBe('CP-CAF-002');
    expect(requirementForItem('ecaf', { rule: 'consent-covers-agency', requirement: 'ECAF-CONSENT-002' })).toBe('ECAF-OUT-002');
    expect(requirementForItem('contactpoint', { rule: 'format:nhs-number', requirement: 'CP-FEED-003' })).toBeUndefined();
    expect(requirementForProblem('ecaf', { code: 'ICS_ERR_CONSENT_REQUIRED' })).toBe('ECAF-OUT-002');
    // A practitioner refused for consent broke no requirement on a vendor's system.
    expect(
      requirementForProblem('ecaf', { code: 'ICS_ERR_CONSENT_REQUIRED', errors: [{ rule: 'consent-in-force', requirement: 'ECAF-CONSENT-003' }] }),
    ).toBeUndefined();
  });
});
