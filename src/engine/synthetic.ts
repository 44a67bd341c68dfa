/** Synthetic people for scenarios: each test gets children nobody else in the run uses. */
import { generatePopulation, practitionerContact, teamContact, type Practitioner, type GeneratedChild } from '../../fixtures/population.js';
import type { ChildIdentity, PractitionerContact } from '../schemas/common.js';
import type { ServiceType } from '../../mocks/contactpoint/schemas.js';
import { addDays, addYears, ageOn } from '../core/clock.js';
import type { IdentifierKind } from './profiles.js';
import { HARD_CHILD_KINDS, type HardChildKind } from './hard-children.js';
import { cafEpisodes } from '../../fixtures/ecaf.js';
import type { ExchangeEpisode } from '../../mocks/ecaf/schemas.js';

export class SyntheticData {
  private readonly children: GeneratedChild[] = [];
  private readonly practitioners: Practitioner[] = [];
  private next = 0;
  private cafPool: ExchangeEpisode[] | undefined;
  private nextCaf = 0;

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
  child(opts: { minAge?: number; maxAge?: number; withNhsNumber?: boolean; holding?: readonly IdentifierKind[] } = {}): ChildIdentity {
    for (let tries = 0; tries < this.children.length; tries++) {
      const c = this.children[this.next++ % this.children.length]!;
      const age = ageOn(c.identity.dateOfBirth, this.today);
      if (opts.minAge !== undefined && age < opts.minAge) continue;
      if (opts.maxAge !== undefined && age > opts.maxAge) continue;
      if ((opts.withNhsNumber ?? true) && !c.identity.identifiers.nhsNumber) continue;
      if (opts.holding?.some((k) => !c.identity.identifiers[k])) continue;
      const identity = structuredClone(c.identity);
      // Every third child has a name that breaks naive systems: apostrophes, hyphens, accents, other scripts.
      if (this.next % 3 === 0) identity.name = { ...identity.name, ...HARD_NAMES[(this.next / 3) % HARD_NAMES.length]! };
      return identity;
    }
    throw new Error('synthetic pool exhausted: raise the pool size');
  }

  /**
   * A child with a CAF episode as a local eCAF module would hold it (consent in force unless asked
   * otherwise). Each call gives a different child.
   */
  cafCase(opts: { consent?: boolean; status?: 'open' | 'closed' } = {}): ExchangeEpisode {
    this.cafPool ??= [...cafEpisodes({ count: 300, seed: this.seed, referenceDate: this.today, rate: 1 })].filter((e) => e.assessment && e.child.identifiers.nhsNumber);
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
   * Children of a kind that breaks naive systems (seeded like the rest, each call new children):
   * former-names: two earlier family names; no-fixed-abode: "no known address"; twins: two children,
   * one date of birth, one address, one family; birthday-tomorrow: 17 today, 18 tomorrow;
   * one-identifier: holds only `only` (default the NHS number).
   */
  hardChildren(kind: HardChildKind, opts: { only?: IdentifierKind; minAge?: number; maxAge?: number; holding?: readonly IdentifierKind[] } = {}): ChildIdentity[] {
    const ages = { minAge: Math.max(opts.minAge ?? 0, 1), maxAge: Math.min(opts.maxAge ?? 17, 16) };
    const held = { ...ages, ...(opts.holding ? { holding: opts.holding } : {}) };
    switch (kind) {
      case 'former-names': {
        const c = this.child(held);
        return [{ ...c, formerNames: [{ given: c.name.given, family: "O'Brien-Hughes" }, { given: c.name.given, family: 'Nowak' }] }];
      }
      case 'no-fixed-abode':
        return [{ ...this.child(held), residence: { status: 'no-known-address' } }];
      case 'twins': {
        const a = this.child(held);
        const b = this.child(held);
        // One family: the second twin takes the first's surname, birthday, home, parents and school; only the given name and identifiers differ.
        const twin: ChildIdentity = { ...structuredClone(a), name: { ...b.name, family: a.name.family }, formerNames: [], gender: b.gender, identifiers: b.identifiers };
        if (twin.name.given === a.name.given) twin.name.given = `${a.name.given}-Rose`;
        return [a, twin];
      }
      case 'birthday-tomorrow': {
        const c = this.child({ minAge: 1, ...(opts.holding ? { holding: opts.holding } : {}) });
        // The day after the one that makes 18 today: the oldest a 17-year-old can be (18 tomorrow; on 28 February of a leap year, the day after).
        const dob = addDays(addYears(this.today, -18), 1);
        return [{ ...c, dateOfBirth: dob }];
      }
      case 'one-identifier': {
        const only = opts.only ?? 'nhsNumber';
        const c = this.child({ ...ages, withNhsNumber: only === 'nhsNumber', holding: [only] });
        return [{ ...c, identifiers: { [only]: c.identifiers[only] } }];
      }
    }
  }

  worker(service: ServiceType, kind: 'practitioner' | 'team' = 'practitioner'): PractitionerContact {
    const p = this.practitioners.find((x) => x.service === service) ?? this.practitioners[0]!;
    return kind === 'team' ? teamContact(p) : practitionerContact(p);
  }

  /** Another practitioner of the same service (a different person). */
  otherWorker(service: ServiceType, not: PractitionerContact): PractitionerContact {
    const p = this.practitioners.filter((x) => x.service === service).map(practitionerContact).find((c) => JSON.stringify(c) !== JSON.stringify(not));
    return p ?? practitionerContact(this.practitioners.find((x) => JSON.stringify(practitionerContact(x)) !== JSON.stringify(not))!);
  }
}

export { HARD_CHILD_KINDS, type HardChildKind };


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
