/** The synthetic population and Hannah's story: valid, linked, deterministic. */
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import { ajv } from '../src/platform/schema.js';
import { ChildIdentity, Address, PractitionerContact } from '../src/platform/schemas/common.js';
import { InvolvementMessage, CafIndicatorMessage, SERVICE_TYPES, SENSITIVE_SERVICES } from '../mocks/contactpoint/schemas.js';
import { isTestRangeNhsNumber, isValidUpn, isValidUln, isValidPostcode } from '../src/platform/identifiers/index.js';
import {
  generatePopulation,
  generateChildren,
  involvementMessageFor,
  involvementMessages,
  involvementNdjson,
  ageOn,
  LOCAL_AUTHORITY_CODES,
  DEFAULT_REFERENCE_DATE,
  HANNAH_STORY_DATE,
  HANNAH_TIMELINE,
  HANNAH_HOME_LA,
  HANNAH_SCHOOL_LA,
  hannah,
  hannahSiblings,
  hannahChildren,
  hannahMother,
  hannahFamily,
  hannahPractitioners,
  hannahSchools,
  hannahLocalAuthorities,
  hannahOrganisations,
  hannahInvolvements,
  hannahCafIndicator,
  type PopulationRecord,
  type GeneratedChild,
  type Practitioner,
  type SchoolRecord,
  type Family,
} from '../fixtures/index.js';

const validChild = ajv().compile(ChildIdentity);
const validMessage = ajv().compile(InvolvementMessage);
const validCaf = ajv().compile(CafIndicatorMessage);
const validAddress = ajv().compile(Address);
const validContact = ajv().compile(PractitionerContact);

/** Throws with ajv's errors, so a failure names the record and the field. */
function assertValid(validate: ValidateFunction, value: unknown, label: string): void {
  if (!validate(value)) throw new Error(`${label}: ${JSON.stringify(validate.errors, null, 1)}`);
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PHONE = /^(\+44\s?|0)[0-9][0-9 ]{8,12}$/;
const REF = '2010-03-31';

function digest(records: Iterable<unknown>): string {
  const h = createHash('sha256');
  for (const r of records) h.update(JSON.stringify(r));
  return h.digest('hex');
}

interface Collected {
  records: PopulationRecord[];
  children: GeneratedChild[];
  families: Family[];
  schools: SchoolRecord[];
  practitioners: Practitioner[];
}

function collect(count: number, seed: number, referenceDate = REF): Collected {
  const records = [...generatePopulation({ count, seed, referenceDate })];
  return {
    records,
    children: records.filter((r): r is GeneratedChild => r.kind === 'child'),
    families: records.filter((r): r is Family => r.kind === 'family'),
    schools: records.filter((r): r is SchoolRecord => r.kind === 'school'),
    practitioners: records.filter((r): r is Practitioner => r.kind === 'practitioner'),
  };
}

const pop = collect(20_000, 20091102);

describe('generatePopulation: determinism', () => {
  it('gives identical output for the same seed', () => {
    const again = [...generatePopulation({ count: 20_000, seed: 20091102, referenceDate: REF })];
    expect(digest(again)).toBe(digest(pop.records));
  });

  it('gives different output for a different seed or reference date', () => {
    const a = digest(generatePopulation({ count: 2000, seed: 1, referenceDate: REF }));
    expect(digest(generatePopulation({ count: 2000, seed: 2, referenceDate: REF }))).not.toBe(a);
    expect(digest(generatePopulation({ count: 2000, seed: 1, referenceDate: '2010-04-01' }))).not.toBe(a);
  });

  it('yields exactly `count` children, reference data first', () => {
    expect(pop.children).toHaveLength(20_000);
    const order = ['local-authority', 'school', 'practitioner', 'family'];
    let stage = 0;
    for (const r of pop.records) {
      const k = r.kind === 'child' ? 'family' : r.kind;
      const at = order.indexOf(k);
      expect(at).toBeGreaterThanOrEqual(stage);
      stage = at;
    }
    expect([...generateChildren({ count: 0, seed: 1 })]).toEqual([]);
    expect([...generateChildren({ count: 7, seed: 1 })]).toHaveLength(7);
  });

  it('refuses bad options', () => {
    expect(() => generatePopulation({ count: -1, seed: 1 }).next()).toThrow(RangeError);
    expect(() => generatePopulation({ count: 1, seed: 1.5 }).next()).toThrow(RangeError);
    expect(() => generatePopulation({ count: 1, seed: 1, referenceDate: '2009-02-30' }).next()).toThrow(RangeError);
    expect(() => generatePopulation({ count: 1, seed: 1, referenceDate: '02/11/2009' }).next()).toThrow(RangeError);
  });
});

describe('generatePopulation: children', () => {
  it('every child validates against ChildIdentity', () => {
    for (const c of pop.children) assertValid(validChild, c.identity, c.id);
  });

  it('ageOn counts whole years: a birthday counts on the day itself, 29 February on 1 March', () => {
    expect(ageOn('2008-11-25', '2026-11-25')).toBe(18);
    expect(ageOn('2008-11-26', '2026-11-25')).toBe(17);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18);
    expect(ageOn('2010-12-31', '2011-01-01')).toBe(0);
    expect(ageOn('2010-01-01', '2010-12-31')).toBe(0);
  });

  it('ages are 0-17 on the reference date and match ageOnReferenceDate', () => {
    const ages = new Set<number>();
    for (const c of pop.children) {
      const age = ageOn(c.identity.dateOfBirth, REF);
      expect(age).toBe(c.ageOnReferenceDate);
      expect(age).toBeGreaterThanOrEqual(0);
      expect(age).toBeLessThanOrEqual(17);
      ages.add(age);
    }
    expect(ages.size).toBe(18);
  });

  it('also holds at the edges: a leap-day reference date', () => {
    for (const c of generateChildren({ count: 5000, seed: 3, referenceDate: '2008-02-29' })) {
      const age = ageOn(c.identity.dateOfBirth, '2008-02-29');
      expect(age >= 0 && age <= 17 && age === c.ageOnReferenceDate).toBe(true);
    }
  });

  it('NHS numbers are valid, in the 999 test range and unique', () => {
    const seen = new Set<string>();
    for (const c of pop.children) {
      const n = c.identity.identifiers.nhsNumber;
      if (n === undefined) continue;
      expect(isTestRangeNhsNumber(n)).toBe(true);
      expect(seen.has(n)).toBe(false);
      seen.add(n);
    }
    // Most children have one (some source systems hold none).
    expect(seen.size).toBeGreaterThan(0.85 * pop.children.length);
  });

  it("UPNs are valid, unique, carry the child's LA code, and only children who started school have one", () => {
    const seen = new Set<string>();
    let temporary = 0;
    for (const c of pop.children) {
      const upn = c.identity.identifiers.upn;
      if (c.ageOnReferenceDate >= 6) expect(upn).toBeDefined();
      if (c.ageOnReferenceDate < 4) expect(upn).toBeUndefined();
      if (upn === undefined) continue;
      expect(isValidUpn(upn)).toBe(true);
      expect(upn.slice(1, 4)).toBe(c.laCode);
      if (/[A-Z]$/.test(upn)) temporary++;
      expect(seen.has(upn)).toBe(false);
      seen.add(upn);
    }
    expect(temporary).toBeGreaterThan(0);
  });

  it('ULNs are valid and unique, for children aged 14 and over only', () => {
    const seen = new Set<string>();
    for (const c of pop.children) {
      const uln = c.identity.identifiers.uln;
      if (c.ageOnReferenceDate >= 14) {
        expect(uln).toBeDefined();
        expect(isValidUln(uln!)).toBe(true);
        expect(seen.has(uln!)).toBe(false);
        seen.add(uln!);
      } else expect(uln).toBeUndefined();
    }
  });

  it('every postcode passes isValidPostcode', () => {
    for (const c of pop.children) {
      const r = c.identity.residence;
      expect(r.status).toBe('current');
      if (r.status === 'current') expect(isValidPostcode(r.address.postcode)).toBe(true);
      if (c.identity.school?.address) expect(isValidPostcode(c.identity.school.address.postcode)).toBe(true);
      for (const p of c.identity.parentsCarers) if (p.contact.address) expect(isValidPostcode(p.contact.address.postcode)).toBe(true);
    }
  });

  it('school-age children attend a school in their LA, started after their fourth birthday', () => {
    const schools = new Map(pop.schools.map((s) => [s.id, s]));
    for (const c of pop.children) {
      if (c.schoolId === undefined) {
        expect(c.identity.school).toBeUndefined();
        continue;
      }
      const s = schools.get(c.schoolId)!;
      expect(s.laCode).toBe(c.laCode);
      expect(c.identity.school!.urn).toBe(s.urn);
      expect(ageOn(c.identity.dateOfBirth, c.identity.school!.startDate)).toBeGreaterThanOrEqual(4);
      expect(c.identity.school!.startDate <= REF).toBe(true);
      expect(s.phase).toBe(c.ageOnReferenceDate <= 10 ? 'primary' : c.ageOnReferenceDate >= 12 ? 'secondary' : s.phase);
    }
  });
});

describe('generatePopulation: linked records', () => {
  it('emits the eight local authorities with real DfE and ONS codes', () => {
    const las = pop.records.filter((r) => r.kind === 'local-authority');
    expect(las.map((l) => l.code)).toEqual(['201', '213', '302', '330', '352', '805', '886', '925']);
    expect(LOCAL_AUTHORITY_CODES.find((l) => l.code === '302')).toEqual({ code: '302', name: 'Barnet', onsCode: 'E09000003' });
    const codes = new Set(las.map((l) => l.code));
    for (const r of pop.records) if ('laCode' in r) expect(codes.has(r.laCode)).toBe(true);
  });

  it('schools have unique 6-digit URNs, UK phones and valid addresses', () => {
    const urns = new Set(pop.schools.map((s) => s.urn));
    expect(urns.size).toBe(pop.schools.length);
    for (const s of pop.schools) {
      expect(s.urn).toMatch(/^[1-9][0-9]{5}$/);
      expect(s.phone).toMatch(PHONE);
      expect(validAddress(s.address)).toBe(true);
    }
  });

  it('practitioners are valid contacts, both as named practitioner and as team', () => {
    const services = new Set<string>();
    for (const p of pop.practitioners) {
      services.add(p.service);
      expect(SERVICE_TYPES).toContain(p.service);
      const named = { kind: 'practitioner', name: p.name, role: p.role, organisation: p.organisation, phone: p.phone, email: p.email };
      const team = { kind: 'team', teamName: p.team.teamName, organisation: p.organisation, phone: p.team.phone, email: p.team.email };
      assertValid(validContact, named, p.id);
      assertValid(validContact, team, `${p.id} team`);
    }
    expect(services.size).toBe(SERVICE_TYPES.length);
  });

  it('siblings share the family, its address and its parents/carers', () => {
    const byId = new Map(pop.children.map((c) => [c.id, c]));
    let withSiblings = 0;
    let childrenSeen = 0;
    for (const f of pop.families) {
      expect(f.parentsCarers.length).toBeGreaterThan(0);
      expect(f.parentsCarers.some((p) => p.parentalResponsibility) || f.parentsCarers.some((p) => p.relationship === 'foster-carer')).toBe(true);
      if (f.childIds.length > 1) withSiblings++;
      for (const id of f.childIds) {
        const c = byId.get(id)!;
        childrenSeen++;
        expect(c.familyId).toBe(f.id);
        expect(c.laCode).toBe(f.laCode);
        expect(c.identity.residence).toEqual({ status: 'current', address: f.address });
        expect(c.identity.parentsCarers).toEqual(f.parentsCarers);
      }
      const names = f.childIds.map((id) => byId.get(id)!.identity.name.family);
      expect(new Set(names).size).toBe(1);
    }
    expect(childrenSeen).toBe(pop.children.length);
    expect(withSiblings).toBeGreaterThan(pop.families.length / 3);
  });
});

describe('involvement messages', () => {
  it('every message of a population feed validates against InvolvementMessage', () => {
    let n = 0;
    const services = new Set<string>();
    for (const m of involvementMessages({ count: 5000, seed: 11, referenceDate: REF, perChild: 2 })) {
      assertValid(validMessage, m, m.sourceRecordId);
      services.add(m.involvement.service);
      expect(m.involvement.startDate >= m.child.dateOfBirth).toBe(true);
      expect(m.involvement.startDate <= REF).toBe(true);
      if (m.involvement.endDate) expect(m.involvement.endDate >= m.involvement.startDate && m.involvement.endDate <= REF).toBe(true);
      expect(m.involvement.sensitiveBasis).toBe(SENSITIVE_SERVICES.includes(m.involvement.service) ? 'consent' : undefined);
      n++;
    }
    expect(n).toBe(10_000);
    expect(services.size).toBe(SERVICE_TYPES.length);
  });

  it('message IDs and source record IDs are unique and v4-shaped; the feed is deterministic', () => {
    const ids = new Set<string>();
    const records = new Set<string>();
    for (const m of involvementMessages({ count: 5000, seed: 12 })) {
      expect(m.messageId).toMatch(UUID_V4);
      ids.add(m.messageId);
      records.add(m.sourceRecordId);
    }
    expect(ids.size).toBe(5000);
    expect(records.size).toBe(5000);
    expect(digest(involvementMessages({ count: 500, seed: 12 }))).toBe(digest(involvementMessages({ count: 500, seed: 12 })));
    expect(digest(involvementMessages({ count: 500, seed: 12 }))).not.toBe(digest(involvementMessages({ count: 500, seed: 13 })));
  });

  it('NDJSON lines are one valid message each, newline-terminated', () => {
    let n = 0;
    for (const line of involvementNdjson({ count: 1000, seed: 5 })) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.indexOf('\n')).toBe(line.length - 1);
      expect(validMessage(JSON.parse(line))).toBe(true);
      n++;
    }
    expect(n).toBe(1000);
  });

  it('involvementMessageFor: deterministic ID from content, team contact, sensitive basis', () => {
    const child = pop.children.find((c) => c.ageOnReferenceDate >= 14)!;
    const camhs = pop.practitioners.find((p) => p.service === 'mental-health')!;
    const yos = pop.practitioners.find((p) => p.service === 'youth-offending')!;
    const a = involvementMessageFor(child, camhs, { startDate: '2009-05-01', seed: 4 });
    const b = involvementMessageFor(child, camhs, { startDate: '2009-05-01', seed: 4 });
    const later = involvementMessageFor(child, camhs, { startDate: '2009-05-01', endDate: '2009-12-01', contact: 'team', seed: 4 });
    expect(validMessage(a)).toBe(true);
    expect(validMessage(later)).toBe(true);
    expect(a.messageId).toBe(b.messageId); // a retry reuses its ID
    expect(a.messageId).toMatch(UUID_V4);
    expect(later.messageId).not.toBe(a.messageId);
    expect(later.sourceRecordId).toBe(a.sourceRecordId);
    expect(later.sentAt > a.sentAt).toBe(true);
    expect(a.involvement).toMatchObject({ service: 'mental-health', sensitiveBasis: 'consent', leadProfessional: false });
    expect(a.involvement.contact).toMatchObject({ kind: 'practitioner', name: camhs.name });
    expect(later.involvement.contact).toEqual({
      kind: 'team',
      teamName: camhs.team.teamName,
      organisation: camhs.organisation,
      phone: camhs.team.phone,
      email: camhs.team.email,
    });
    const plain = involvementMessageFor(child, yos, { startDate: '2009-05-01', leadProfessional: true, sensitiveBasis: 'consent' });
    expect(plain.involvement.sensitiveBasis).toBeUndefined();
    expect(plain.involvement.leadProfessional).toBe(true);
    expect(validMessage(plain)).toBe(true);
  });
});

describe('throughput', () => {
  // Loose guard (a quarter of the 20,000/s target) so a shared runner does not flake;
  // test/fixtures.perf.test.ts measures properly.
  it('generates 20,000 children well within 4 seconds', () => {
    const t0 = performance.now();
    let n = 0;
    for (const _ of generateChildren({ count: 20_000, seed: 99 })) n++;
    expect(n).toBe(20_000);
    expect(performance.now() - t0).toBeLessThan(4000);
  });
});

describe("Hannah's story", () => {
  const messages = Object.values(hannahInvolvements);

  it('every child validates, and every message validates', () => {
    for (const c of hannahChildren) assertValid(validChild, c.identity, c.id);
    for (const m of messages) assertValid(validMessage, m, m.sourceRecordId);
    assertValid(validCaf, hannahCafIndicator, 'CAF indicator');
    for (const m of [...messages, hannahCafIndicator]) expect(m.messageId).toMatch(UUID_V4);
    expect(new Set([...messages, hannahCafIndicator].map((m) => m.messageId)).size).toBe(messages.length + 1);
  });

  it('Hannah is 15 on the story date, with three younger brothers and sisters', () => {
    expect(HANNAH_STORY_DATE).toBe('2009-11-02');
    expect(DEFAULT_REFERENCE_DATE).toBe(HANNAH_STORY_DATE);
    expect(hannah.identity.name.given).toBe('Hannah');
    expect(ageOn(hannah.identity.dateOfBirth, HANNAH_STORY_DATE)).toBe(15);
    expect(hannahSiblings).toHaveLength(3);
    for (const c of hannahChildren) expect(ageOn(c.identity.dateOfBirth, HANNAH_STORY_DATE)).toBe(c.ageOnReferenceDate);
    for (const s of hannahSiblings) expect(s.identity.dateOfBirth > hannah.identity.dateOfBirth).toBe(true);
    expect(new Set(hannahSiblings.map((s) => s.identity.gender))).toEqual(new Set(['male', 'female']));
    expect(hannahChildren[0]).toBe(hannah);
  });

  it('the family shares an address; her mother has parental responsibility; no father is listed', () => {
    expect(hannahFamily.childIds).toEqual(hannahChildren.map((c) => c.id));
    for (const c of hannahChildren) {
      expect(c.familyId).toBe(hannahFamily.id);
      expect(c.identity.residence).toEqual({ status: 'current', address: hannahFamily.address });
      expect(c.identity.parentsCarers).toEqual([hannahMother]);
    }
    expect(hannahMother).toMatchObject({ relationship: 'mother', parentalResponsibility: true });
    expect(hannahFamily.parentsCarers.some((p) => p.relationship === 'father')).toBe(false);
  });

  it('identifiers: 999-range NHS numbers, UPNs from her first school in the home LA, a ULN for Hannah', () => {
    for (const c of hannahChildren) {
      expect(isTestRangeNhsNumber(c.identity.identifiers.nhsNumber!)).toBe(true);
      expect(isValidUpn(c.identity.identifiers.upn!)).toBe(true);
      expect(c.identity.identifiers.upn!.slice(1, 4)).toBe(HANNAH_HOME_LA);
    }
    expect(isValidUln(hannah.identity.identifiers.uln!)).toBe(true);
    for (const s of hannahSiblings) expect(s.identity.identifiers.uln).toBeUndefined();
  });

  it('she lives in one borough and goes to school in the neighbouring one', () => {
    expect(HANNAH_HOME_LA).toBe('201');
    expect(HANNAH_SCHOOL_LA).toBe('213');
    expect(hannahLocalAuthorities.map((l) => l.code)).toEqual([HANNAH_HOME_LA, HANNAH_SCHOOL_LA]);
    const school = hannahSchools.find((s) => s.urn === hannah.identity.school!.urn)!;
    expect(school.laCode).toBe(HANNAH_SCHOOL_LA);
    expect(hannah.laCode).toBe(HANNAH_HOME_LA);
    expect(hannah.identity.residence.status === 'current' && hannah.identity.residence.address.postcode.startsWith('EC')).toBe(true);
    // Social care and the youth service are in her home borough; Melanie is at the school.
    const { melanie, john, lee, steve, libby } = hannahPractitioners;
    expect([john.laCode, lee.laCode, steve.laCode, libby.laCode]).toEqual(['201', '201', '201', '201']);
    expect(melanie.laCode).toBe(HANNAH_SCHOOL_LA);
    expect(melanie.organisation).toBe(school.name);
    expect([melanie.service, john.service, lee.service, steve.service, libby.service]).toEqual([
      'learning-mentor',
      'childrens-social-care',
      'youth-service',
      'housing',
      'young-carers',
    ]);
    const orgNames = new Set(hannahOrganisations.map((o) => o.name));
    for (const p of Object.values(hannahPractitioners)) expect(orgNames.has(p.organisation)).toBe(true);
  });

  it("John's involvement ended, listing his team, and is still visible on the story date", () => {
    const { johnStarted, johnEnded } = hannahInvolvements;
    expect(johnEnded.sourceRecordId).toBe(johnStarted.sourceRecordId);
    expect(johnEnded.sentAt > johnStarted.sentAt).toBe(true);
    expect(johnStarted.involvement.endDate).toBeUndefined();
    expect(johnStarted.involvement.contact).toMatchObject({ kind: 'practitioner', name: { given: 'John' } });
    expect(johnEnded.involvement).toMatchObject({ service: 'childrens-social-care', endDate: HANNAH_TIMELINE.johnEnd, leadProfessional: false });
    expect(johnEnded.involvement.contact).toMatchObject({ kind: 'team', phone: hannahPractitioners.john.team.phone });
    const end = johnEnded.involvement.endDate!;
    expect(end < HANNAH_STORY_DATE).toBe(true);
    const visibleUntil = `${Number(end.slice(0, 4)) + 1}${end.slice(4)}`;
    expect(visibleUntil >= HANNAH_STORY_DATE).toBe(true);
  });

  it("Lee has been involved for nearly a year; Melanie's involvement is active and becomes lead professional", () => {
    const { lee, melanie, melanieLeadProfessional } = hannahInvolvements;
    expect(lee.involvement.endDate).toBeUndefined();
    const days = (Date.parse(HANNAH_STORY_DATE) - Date.parse(lee.involvement.startDate)) / 86_400_000;
    expect(days).toBeGreaterThan(300);
    expect(days).toBeLessThan(366);
    expect(lee.involvement).toMatchObject({ service: 'youth-service', contact: { kind: 'practitioner', name: { given: 'Lee' } } });
    expect(melanie.involvement).toMatchObject({ service: 'learning-mentor', leadProfessional: false });
    expect(melanie.involvement.endDate).toBeUndefined();
    expect(melanieLeadProfessional.sourceRecordId).toBe(melanie.sourceRecordId);
    expect(melanieLeadProfessional.involvement.leadProfessional).toBe(true);
    expect(melanieLeadProfessional.sentAt.slice(0, 10)).toBe(HANNAH_TIMELINE.teamAroundTheChild);
    expect(hannahCafIndicator.assessor).toMatchObject({ kind: 'practitioner', name: { given: 'Melanie' } });
    for (const m of messages) expect(m.child).toEqual(hannah.identity);
  });

  it('holds no case information and cannot be edited in place', () => {
    const text = JSON.stringify([hannahChildren, hannahFamily, hannahInvolvements, hannahCafIndicator, hannahPractitioners]);
    expect(text).not.toMatch(/\b(ill|illness|arrears|rent|bills|cope|depress\w*|diagnos\w*)\b/i);
    expect(Object.isFrozen(hannah.identity.name)).toBe(true);
    expect(() => {
      (hannahInvolvements.lee.involvement as { leadProfessional: boolean }).leadProfessional = true;
    }).toThrow(TypeError);
    const copy = structuredClone(hannahInvolvements.lee);
    copy.involvement.leadProfessional = true;
    expect(hannahInvolvements.lee.involvement.leadProfessional).toBe(false);
  });
});
