/** Synthetic people for scenarios: each test gets children nobody else in the run uses. */
import { generatePopulation, practitionerContact, teamContact, type Practitioner, type GeneratedChild } from '../../../fixtures/population.js';
import type { ChildIdentity, PractitionerContact } from '../../platform/schemas/common.js';
import type { ServiceType } from '../../../mocks/contactpoint/schemas.js';
import { addDays, addYears, ageOn } from '../../platform/clock.js';
import type { IdentifierKind } from '../model/profiles.js';
import { HARD_CHILD_KINDS, type HardChildKind } from '../model/hard-children.js';
import { cafEpisodes } from '../../../fixtures/ecaf.js';
import { seededFaker, type Faker } from '../../../fixtures/faker.js';
import type { ExchangeEpisode } from '../../../mocks/ecaf/schemas.js';

export class SyntheticData {
  private readonly children: GeneratedChild[] = [];
  private readonly practitioners: Practitioner[] = [];
  private next = 0;
  private cafPool: ExchangeEpisode[] | undefined;
  private nextCaf = 0;
  private nextHard = 0;
  private faker: Faker | undefined;

  constructor(
    readonly seed: number,
    /** The day the run is set on (YYYY-MM-DD). */
    readonly today: string,
    pool = 400,
  ) {
    for (const r of generatePopulation({ count: pool, seed, referenceDate: today })) {
      if (r.kind === 'child') this.children.push(r);
      else if (r.kind === 'practitioner') this.practitioners.push(r);
    }
  }

  /** The next unused child, optionally of at least / at most an age, with an NHS number (default) and the identifiers asked for. */
  child(
    opts: { minAge?: number; maxAge?: number; withNhsNumber?: boolean; holding?: readonly IdentifierKind[]; plainName?: boolean } = {},
  ): ChildIdentity {
    for (let tries = 0; tries < this.children.length; tries++) {
      const c = this.children[this.next++ % this.children.length]!;
      const age = ageOn(c.identity.dateOfBirth, this.today);
      if (opts.minAge !== undefined && age < opts.minAge) continue;
      if (opts.maxAge !== undefined && age > opts.maxAge) continue;
      if ((opts.withNhsNumber ?? true) && !c.identity.identifiers.nhsNumber) continue;
      if (opts.holding?.some((k) => !c.identity.identifiers[k])) continue;
      const identity = structuredClone(c.identity);
      // Every third child has a name that breaks naive systems: apostrophes, hyphens, accents, other scripts.
      if (this.next % 3 === 0 && !opts.plainName) identity.name = { ...identity.name, ...HARD_NAMES[(this.next / 3) % HARD_NAMES.length]! };
      return identity;
    }
    throw new Error('synthetic pool exhausted: raise the pool size');
  }

  /**
   * A child with a CAF episode as a local eCAF module would hold it (consent in force unless asked
   * otherwise). Each call gives a different child.
   */
  cafCase(opts: { consent?: boolean; status?: 'open' | 'closed' } = {}): ExchangeEpisode {
    this.cafPool ??= [...cafEpisodes({ count: 300, seed: this.seed, referenceDate: this.today, rate: 1 })].filter(
      (e) => e.assessment && e.child.identifiers.nhsNumber,
    );
    const pick = this.cafPool.filter((e) => opts.status === undefined || e.status === opts.status);
    const base = pick[this.nextCaf++ % pick.length];
    if (!base) throw new Error('synthetic CAF pool exhausted');
    const ep = structuredClone(base);
    ep.localRef = `${ep.localRef}.${this.nextCaf}`.slice(0, 64);
    if (opts.consent === false) ep.consents = [];
    else if (!ep.consents.some((c) => !c.withdrawnOn)) throw new Error('synthetic CAF without consent in force');
    return ep;
  }

  /**
   * Children of a kind that breaks naive systems (seeded like the rest, each call new children;
   * HARD_CHILD_RULES says what each kind is): former-names: two earlier family names;
   * no-fixed-abode: "no known address"; twins and triplets: one date of birth, one address, one
   * family; birthday-tomorrow: 17 today, 18 tomorrow; one-identifier: holds only `only` (default the
   * NHS number); the name kinds: the names real integrations mangle; address-unknown: only a last
   * known address; eighteen-today and eighteen-yesterday: past ContactPoint's age; only-uln,
   * only-upn, no-identifier: what they say; born-today: a newborn with an NHS number.
   */
  hardChildren(
    kind: HardChildKind,
    opts: { only?: IdentifierKind; minAge?: number; maxAge?: number; holding?: readonly IdentifierKind[] } = {},
  ): ChildIdentity[] {
    // One hardness a child: a hard child has its pool name (the name kinds set theirs), so a system that mangles names fails the name kinds' rows only.
    const ages = { minAge: Math.max(opts.minAge ?? 0, 1), maxAge: Math.min(opts.maxAge ?? 17, 16), plainName: true };
    const held = { ...ages, ...(opts.holding ? { holding: opts.holding } : {}) };
    const anyAge = { plainName: true, ...(opts.holding ? { holding: opts.holding } : {}) };
    const pick = <T>(list: readonly T[]) => list[this.nextHard++ % list.length]!;
    switch (kind) {
      case 'former-names': {
        const c = this.child(held);
        return [
          {
            ...c,
            formerNames: [
              { given: c.name.given, family: "O'Brien-Hughes" },
              { given: c.name.given, family: 'Nowak' },
            ],
          },
        ];
      }
      case 'no-fixed-abode':
        return [{ ...this.child(held), residence: { status: 'no-known-address' } }];
      case 'twins':
      case 'triplets':
        return this.siblings(kind === 'twins' ? 2 : 3, held);
      case 'birthday-tomorrow': {
        const c = this.child({ minAge: 1, ...anyAge });
        // The day after the one that makes 18 today: the oldest a 17-year-old can be (18 tomorrow; on 28 February of a leap year, the day after).
        const dob = addDays(addYears(this.today, -18), 1);
        return [{ ...c, dateOfBirth: dob }];
      }
      case 'eighteen-today':
        return [{ ...this.child({ minAge: 1, ...anyAge }), dateOfBirth: addYears(this.today, -18) }];
      case 'eighteen-yesterday':
        return [{ ...this.child({ minAge: 1, ...anyAge }), dateOfBirth: addYears(addDays(this.today, -1), -18) }];
      case 'one-identifier':
        return [this.holdingOnly(opts.only ?? 'nhsNumber', ages)];
      case 'only-uln':
        return [this.holdingOnly('uln', { ...ages, minAge: Math.max(ages.minAge, 14) })];
      case 'only-upn':
        return [this.holdingOnly('upn', { ...ages, minAge: Math.max(ages.minAge, 3) })];
      case 'no-identifier':
        return [{ ...this.child({ ...ages, withNhsNumber: false }), identifiers: {} }];
      case 'punctuated-names': {
        const c = this.child(held);
        const n = pick(PUNCTUATED_NAMES);
        return [{ ...c, name: { ...n } }];
      }
      case 'non-latin-names': {
        const c = this.child(held);
        return [{ ...c, name: { ...pick(NON_LATIN_NAMES) } }];
      }
      case 'long-names': {
        const c = this.child(held);
        return [{ ...c, name: { given: this.longName(' ', 'first'), middle: this.longName(' ', 'middle'), family: this.longName('-', 'last') } }];
      }
      case 'address-unknown': {
        let c = this.child(held);
        while (c.residence.status !== 'current') c = this.child(held);
        // Whereabouts unknown, last seen at home: the address is held as last known, never as current.
        return [{ ...c, residence: { status: 'last-known', address: c.residence.address } }];
      }
      case 'born-today': {
        const c = this.child({ minAge: 1, plainName: true });
        const { school: _school, ...rest } = c;
        // A newborn has an NHS number (issued at birth), no school and no other name.
        return [{ ...rest, dateOfBirth: this.today, formerNames: [], identifiers: { nhsNumber: c.identifiers.nhsNumber! } }];
      }
    }
  }

  /** Children of one birth: the first's surname, birthday, home, parents and school; only the given name and identifiers differ. */
  private siblings(count: number, held: Parameters<SyntheticData['child']>[0]): ChildIdentity[] {
    const first = this.child(held);
    const out = [first];
    while (out.length < count) {
      const b = this.child(held);
      const sib: ChildIdentity = {
        ...structuredClone(first),
        name: { ...b.name, family: first.name.family },
        formerNames: [],
        gender: b.gender,
        identifiers: b.identifiers,
      };
      if (out.some((o) => o.name.given === sib.name.given)) sib.name.given = `${sib.name.given}-${SIBLING_SUFFIX[out.length]}`;
      out.push(sib);
    }
    return out;
  }

  private holdingOnly(only: IdentifierKind, ages: { minAge: number; maxAge: number; plainName: boolean }): ChildIdentity {
    const c = this.child({ ...ages, withNhsNumber: only === 'nhsNumber', holding: [only] });
    return { ...c, identifiers: { [only]: c.identifiers[only] } };
  }

  /** A name part of 90 to 100 characters from faker en_GB names (seeded): given and middle names joined by spaces, a family name by hyphens. */
  private longName(sep: string, part: 'first' | 'middle' | 'last'): string {
    this.faker ??= seededFaker(this.seed);
    const f = this.faker;
    let out = '';
    for (;;) {
      const w = part === 'last' ? f.person.lastName() : part === 'middle' ? f.person.middleName() : f.person.firstName();
      const next = out ? `${out}${sep}${w}` : w;
      if (next.length > 100) {
        if (out.length >= 90) return out;
        continue;
      }
      out = next;
      if (out.length >= 90) return out;
    }
  }

  worker(service: ServiceType, kind: 'practitioner' | 'team' = 'practitioner'): PractitionerContact {
    const p = this.practitioners.find((x) => x.service === service) ?? this.practitioners[0]!;
    return kind === 'team' ? teamContact(p) : practitionerContact(p);
  }

  /** Another practitioner of the same service (a different person). */
  otherWorker(service: ServiceType, not: PractitionerContact): PractitionerContact {
    const p = this.practitioners
      .filter((x) => x.service === service)
      .map(practitionerContact)
      .find((c) => JSON.stringify(c) !== JSON.stringify(not));
    return p ?? practitionerContact(this.practitioners.find((x) => JSON.stringify(practitionerContact(x)) !== JSON.stringify(not))!);
  }
}

export { HARD_CHILD_KINDS, type HardChildKind };

const SIBLING_SUFFIX = ['', 'Rose', 'Mae'];

/** Apostrophes, hyphens, spaces and accents, in given and family names (invented pairings, not real people). */
const PUNCTUATED_NAMES: ReadonlyArray<{ given: string; middle?: string; family: string }> = [
  { given: 'Mary-Kate', middle: "D'Arcy", family: "O'Sullivan-Ní Bhriain" },
  { given: 'Zoë Anne', family: 'de la Cruz-Brontë' },
  { given: 'Siân', middle: 'Mair', family: 'ap Rhys' },
  { given: 'Jean-Luc', family: "D'Souza-Müller" },
  { given: 'Chloé', middle: 'Ana-María', family: 'Mac an tSaoir' },
];

/** Names in other scripts: Greek, Cyrillic, Arabic (right to left), Devanagari, Chinese (invented pairings). */
const NON_LATIN_NAMES: ReadonlyArray<{ given: string; family: string }> = [
  { given: 'Αλέξης', family: 'Παπαδόπουλος' },
  { given: 'Мария', family: 'Иванова' },
  { given: 'يوسف', family: 'الحسن' },
  { given: 'अनन्या', family: 'शर्मा' },
  { given: '美玲', family: '李' },
];

/** Synthetic names of the kinds real integrations mangle (invented pairings, not real people). */
const HARD_NAMES: ReadonlyArray<{ given: string; family: string }> = [
  { given: 'Siân', family: "O'Connor" },
  { given: 'Zoë', family: 'Nwosu-Smith' },
  { given: 'Łucja', family: 'Kowalczyk' },
  { given: 'Chloé', family: "D'Souza" },
  { given: 'Oisín', family: 'Ó Briain' },
  { given: 'Αλέξης', family: 'Παπαδόπουλος' },
  { given: 'Мария', family: 'Иванова' },
  { given: 'Renée', family: 'Müller-Çelik' },
  { given: 'Dương', family: 'Nguyễn' },
  { given: '美玲', family: '李' },
];
