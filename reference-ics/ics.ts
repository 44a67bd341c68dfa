/**
 * The reference ICS integration: a small case-management core (children, involvements) with the
 * outbound ContactPoint feed. It is what `demo` runs against, what the project's tests use, and the
 * example a vendor reads: every rule it follows is one the conformance suites check.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ChildIdentity } from '../src/platform/schemas/common.js';
import type { Configuration, RecordInvolvement } from '../src/harness/driver-api/schemas.js';
import type { InvolvementMessage } from '../mocks/contactpoint/schemas.js';
import { SENSITIVE_SERVICES } from '../mocks/contactpoint/schemas.js';
import { addDays, ageOn, isoDate } from '../src/platform/clock.js';
import { Outbox, type Endpoint } from './outbox.js';
import { LocalEcaf } from './local-ecaf.js';
import { newMessageId, sentAtNow } from './wire.js';
import type { Variant } from './variants.js';
import { PROFILES, aSystem, type SourceSystemProfile, type SourceSystemType } from '../src/harness/model/profiles.js';
import { UPN_LETTERS } from '../src/platform/identifiers/upn.js';

interface ChildRecord {
  ref: string;
  identity: ChildIdentity;
}

interface InvolvementRecord {
  ref: string;
  childRef: string;
  /** The ICS's own key, sent as sourceRecordId: stable for the life of the involvement. */
  sourceRecordId: string;
  recorded: RecordInvolvement;
  endDate?: string;
  /** Case notes stay in the ICS. */
  caseNote?: string;
  /** The first message about it (faulty variants misuse these). */
  firstMessageId?: string;
  firstSentAt?: string;
  /** Never sent (the second-referral-not-sent variant). */
  suppressed?: boolean;
}

function mapStrings<T>(v: T, f: (s: string) => string): T {
  if (typeof v === 'string') return f(v) as T;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f)) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)])) as T;
  return v;
}

export class NotFound extends Error {}

/** A driver request this kind of system cannot perform (a school recording a mental-health referral): refused, nothing recorded. */
export class NotForProfile extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Age in whole years rounded to the nearest, as a caseload report shows it (the rounds-age variant). */
const roundedAge = (dob: string, day: string) =>
  Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${dob}T00:00:00Z`)) / (365.25 * 86_400_000));

export class ReferenceIcs {
  readonly vendor = 'ics-conformance project';
  readonly product: string;
  readonly version: string;
  /** The kind of source system it plays: what it may report (the same outbox and feed for every kind). */
  readonly profile: SourceSystemProfile;
  private config: Configuration | undefined;
  private firstToken: string | undefined;
  private readonly children = new Map<string, ChildRecord>();
  private readonly involvements = new Map<string, InvolvementRecord>();
  readonly outbox: Outbox;
  readonly ecaf: LocalEcaf;
  private seq = 0;

  constructor(
    readonly variants: ReadonlySet<Variant> = new Set(),
    version = '1.0.0',
    profile: SourceSystemType = 'ics',
  ) {
    this.version = version;
    this.profile = PROFILES[profile];
    this.product = profile === 'ics' ? 'Reference ICS' : `Reference ${profile} system`;
    this.outbox = new Outbox((path) => this.endpointFor(path), variants);
    this.ecaf = new LocalEcaf(this.outbox, variants, () => isoDate(new Date()));
  }

  private endpointFor(path: string): Endpoint | undefined {
    if (!this.config) return undefined;
    const target = path.startsWith('/ecaf/') ? this.config.ecaf : this.config.contactPoint;
    const token = this.variants.has('hard-coded-token') ? this.firstToken! : target.token;
    return { baseUrl: target.baseUrl.replace(/\/$/, ''), token };
  }

  configure(cfg: Configuration): void {
    this.firstToken ??= cfg.contactPoint.token;
    this.config = cfg;
  }

  registerChild(identity: ChildIdentity): string {
    if (this.variants.has('merges-twins')) {
      // Duplicate detection on surname, date of birth and home: twins become one record.
      const home = (c: ChildIdentity) =>
        c.residence.status === 'current' || c.residence.status === 'last-known' ? c.residence.address.postcode : c.residence.status;
      const same = [...this.children.values()].find(
        (c) =>
          c.identity.name.family === identity.name.family && c.identity.dateOfBirth === identity.dateOfBirth && home(c.identity) === home(identity),
      );
      if (same) return same.ref;
    }
    const ref = `C${++this.seq}`;
    this.children.set(ref, { ref, identity });
    return ref;
  }

  updateChild(ref: string, identity: ChildIdentity): void {
    const c = this.child(ref);
    c.identity = identity;
    if (this.variants.has('stale-address')) return;
    // Superseded data: every open or ended involvement of the child carries the new details.
    for (const inv of this.involvements.values()) if (inv.childRef === ref) this.sendInvolvement(inv);
  }

  recordInvolvement(childRef: string, recorded: RecordInvolvement): string {
    this.child(childRef);
    if (!this.profile.services.includes(recorded.service))
      throw new NotForProfile(
        `${aSystem(this.profile.type)} does not record ${recorded.service} involvements; it records ${this.profile.services.join(', ') || 'CAF episodes only'}`,
        '/service',
      );
    const ref = `I${++this.seq}`;
    const sourceRecordId = this.variants.has('other-id-scheme')
      ? String(100_000 + this.seq).padStart(9, '0')
      : `REFICS.INV.${ref}.${randomUUID().slice(0, 6)}`;
    const inv: InvolvementRecord = { ref, childRef, sourceRecordId, recorded: { ...recorded } };
    if (recorded.caseNote) inv.caseNote = recorded.caseNote;
    if (
      this.variants.has('second-referral-not-sent') &&
      [...this.involvements.values()].some((i) => i.childRef === childRef && i.recorded.service === recorded.service)
    )
      inv.suppressed = true;
    this.involvements.set(ref, inv);
    this.changed(inv);
    return ref;
  }

  endInvolvement(ref: string, endDate: string): void {
    let inv = this.involvement(ref);
    if (this.variants.has('end-date-on-first-record'))
      inv = [...this.involvements.values()].find((i) => i.childRef === inv.childRef && i.recorded.service === inv.recorded.service)!;
    inv.endDate = endDate;
    if (this.variants.has('end-not-sent')) return;
    if (this.variants.has('drops-end-date')) {
      this.outbox.send('deleteSourceRecord', 'DELETE', `/contactpoint/v1/source-records/${encodeURIComponent(inv.sourceRecordId)}`);
      return;
    }
    this.changed(inv);
  }

  setLeadProfessional(ref: string, lead: boolean): void {
    const inv = this.involvement(ref);
    inv.recorded.leadProfessional = lead;
    if (!this.variants.has('ignores-lead-professional')) this.changed(inv);
  }

  /** An involvement changed: send it, or (full-state-resends) every involvement of the child as it now stands. */
  private changed(inv: InvolvementRecord): void {
    if (!this.variants.has('full-state-resends')) return this.sendInvolvement(inv);
    for (const other of this.involvements.values()) if (other.childRef === inv.childRef) this.sendInvolvement(other);
  }

  /** Builds the ContactPoint message from the ICS's own records: identity and whom to contact, nothing else. */
  private sendInvolvement(inv: InvolvementRecord): void {
    if (inv.suppressed) return;
    const v = this.variants;
    const child = this.child(inv.childRef).identity;
    const now = new Date();
    const today = isoDate(now);
    let adult = ageOn(child.dateOfBirth, today) >= 18;
    if (v.has('sends-on-18th-birthday')) adult = ageOn(child.dateOfBirth, addDays(today, -1)) >= 18;
    // A Connexions caseload runs to 19; ContactPoint's does not.
    if (v.has('sends-to-19')) adult = ageOn(child.dateOfBirth, today) >= 19;
    if (v.has('stops-a-day-early')) adult = ageOn(child.dateOfBirth, addDays(today, 1)) >= 18;
    if (v.has('rounds-age')) adult = roundedAge(child.dateOfBirth, today) >= 18;
    if (adult && !v.has('sends-adults')) return;
    if (v.has('holds-newborns') && child.dateOfBirth >= today) return;
    const r = inv.recorded;
    let contact = r.worker;
    if (v.has('central-team-contact'))
      contact = { kind: 'team', teamName: 'Duty and assessment team', organisation: r.worker.organisation, phone: '0300 123 4000' };
    if (v.has('wrong-contact')) contact = { ...contact, phone: '0300 123 4567' };
    if (v.has('case-note-in-role') && inv.caseNote && contact.kind === 'practitioner')
      contact = { ...contact, role: `${contact.role}: ${inv.caseNote}`.slice(0, 80) };
    if (v.has('token-in-body') && contact.kind === 'practitioner')
      contact = { ...contact, role: this.endpointFor('/contactpoint/')?.token ?? contact.role };
    if (v.has('end-clears-contact') && inv.endDate)
      contact = { kind: 'team', teamName: 'Closed records', organisation: 'Records Management Service', phone: '0300 123 4999' };
    if (v.has('contact-without-phone')) contact = { ...contact, phone: undefined } as unknown as typeof contact;
    let identity: ChildIdentity = structuredClone(child);
    const nhs = identity.identifiers.nhsNumber;
    if (v.has('drops-identifiers')) delete identity.identifiers.nhsNumber;
    else if (nhs && v.has('bad-nhs-check-digit')) identity.identifiers.nhsNumber = nhs.slice(0, 9) + ((Number(nhs[9]) + 1) % 10);
    else if (nhs && v.has('spaced-nhs-number')) identity.identifiers.nhsNumber = `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`;
    const upn = identity.identifiers.upn;
    if (upn && v.has('bad-upn-check-letter'))
      identity.identifiers.upn = UPN_LETTERS[(UPN_LETTERS.indexOf(upn[0]!) + 1) % UPN_LETTERS.length]! + upn.slice(1);
    if (v.has('drops-upn')) delete identity.identifiers.upn;
    if (v.has('drops-former-names')) identity.formerNames = [];
    if (v.has('former-names-reversed')) identity.formerNames = [...identity.formerNames].reverse();
    if (v.has('invents-address') && identity.residence.status === 'no-known-address')
      identity.residence = { status: 'current', address: { lines: ['Civic Centre', 'High Street'], town: 'Hartlepool', postcode: 'TS24 8AY' } };
    if (v.has('strips-apostrophes')) identity.name = mapStrings(identity.name, (x) => x.replace(/['’]/g, ''));
    if (v.has('truncates-names')) identity.name = mapStrings(identity.name, (x) => x.slice(0, 35).trimEnd());
    if (v.has('ascii-names'))
      identity.name = mapStrings(identity.name, (x) =>
        x
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, '')
          .replace(/[^\x20-\x7e]/g, '?'),
      );
    if (v.has('last-known-as-current') && identity.residence.status === 'last-known')
      identity.residence = { status: 'current', address: identity.residence.address };
    if (v.has('placeholder-nhs-number') && !identity.identifiers.nhsNumber) identity.identifiers.nhsNumber = '9999999999';
    if (v.has('dob-off-by-one')) identity.dateOfBirth = addDays(child.dateOfBirth, -1);
    if (v.has('decomposed-unicode'))
      identity = {
        ...identity,
        name: mapStrings(identity.name, (x) => x.normalize('NFD')),
        formerNames: mapStrings(identity.formerNames, (x) => x.normalize('NFD')),
      };
    const date = (d: string) => (v.has('timestamp-dates') ? `${d}T00:00:00Z` : d);
    let startDate = r.startDate;
    if (v.has('wrong-start-date')) startDate = today === r.startDate ? addDays(today, -1) : today;
    const endDate = inv.endDate && v.has('wrong-end-date') ? addDays(inv.endDate, 1) : inv.endDate;
    let messageId = newMessageId(v);
    if (v.has('reuses-message-id')) messageId = inv.firstMessageId ?? messageId;
    if (v.has('message-id-from-child')) messageId = uuidFrom(child.identifiers.nhsNumber ?? child.name.family);
    let sentAt = sentAtNow(v, now);
    if (v.has('backdated-update') && inv.firstSentAt) sentAt = new Date(Date.parse(inv.firstSentAt) - 60_000).toISOString();
    inv.firstMessageId ??= messageId;
    inv.firstSentAt ??= sentAt;
    const sensitive = SENSITIVE_SERVICES.includes(r.service);
    const basis = v.has('wrong-sensitive-basis') ? 'significant-harm-suspected' : r.sensitiveBasis;
    const msg: InvolvementMessage = {
      messageId,
      sourceRecordId: v.has('duplicate-involvement') ? `${inv.sourceRecordId}.${++this.seq}` : inv.sourceRecordId,
      sentAt,
      child: identity,
      involvement: {
        service: v.has('wrong-service') && r.service === 'childrens-social-care' ? 'education' : r.service,
        contact,
        startDate: date(startDate),
        leadProfessional: v.has('lead-from-start') || r.leadProfessional,
        ...(endDate ? { endDate: date(endDate) } : {}),
        ...(sensitive && basis && !v.has('omits-sensitive-basis') && !(inv.endDate && v.has('basis-dropped-on-discharge'))
          ? { sensitiveBasis: basis }
          : {}),
      },
    };
    if (v.has('sends-case-note') && inv.caseNote) (msg.involvement as Record<string, unknown>).reason = inv.caseNote;
    const receipt = (answer: unknown) => {
      const cpId = (answer as { contactPointId?: unknown } | undefined)?.contactPointId;
      if (typeof cpId !== 'string') return;
      if (v.has('reads-child-record')) this.outbox.send('getChild', 'GET', `/contactpoint/v1/children/${encodeURIComponent(cpId)}`);
      if (v.has('calls-shield'))
        this.outbox.send('setShielding', 'PUT', `/contactpoint/v1/children/${encodeURIComponent(cpId)}/shielding`, {
          messageId: randomUUID(),
          shielded: true,
        });
    };
    this.outbox.send('submitInvolvement', 'POST', '/contactpoint/v1/involvements', msg, receipt);
    if (v.has('reads-contactpoint'))
      this.outbox.send(
        'searchChildren',
        'GET',
        `/contactpoint/v1/children?familyName=${encodeURIComponent(child.name.family)}&dateOfBirth=${child.dateOfBirth}`,
      );
    if (v.has('reads-other-records')) this.outbox.send('getSourceRecord', 'GET', `/contactpoint/v1/source-records/NOT-MINE-${this.seq}`);
    if (v.has('deletes-other-records')) this.outbox.send('deleteSourceRecord', 'DELETE', `/contactpoint/v1/source-records/NOT-MINE-${this.seq}`);
    if (v.has('opens-national-episode')) this.outbox.send('openEpisode', 'POST', '/ecaf/v1/episodes', { child });
  }

  private child(ref: string): ChildRecord {
    const c = this.children.get(ref);
    if (!c) throw new NotFound(`no child ${ref}`);
    return c;
  }

  private involvement(ref: string): InvolvementRecord {
    const i = this.involvements.get(ref);
    if (!i) throw new NotFound(`no involvement ${ref}`);
    return i;
  }

  close(): void {
    this.outbox.stop();
  }
}

/** A stable UUID-shaped value from a string (the message-id-from-child variant). */
function uuidFrom(x: string): string {
  const h = createHash('sha256').update(x).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
