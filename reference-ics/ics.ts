/**
 * The reference ICS integration: a small case-management core (children, involvements) with the
 * outbound ContactPoint feed. It is what `demo` runs against, what the project's tests use, and the
 * example a vendor reads: every rule it follows is one the conformance suites check.
 */
import { randomUUID } from 'node:crypto';
import type { ChildIdentity } from '../src/schemas/common.js';
import type { Configuration, RecordInvolvement } from '../src/driver-api/schemas.js';
import type { InvolvementMessage } from '../mocks/contactpoint/schemas.js';
import { SENSITIVE_SERVICES } from '../mocks/contactpoint/schemas.js';
import { ageOn, isoDate } from '../src/core/clock.js';
import { Outbox, type Endpoint } from './outbox.js';
import { LocalEcaf } from './local-ecaf.js';
import type { Variant } from './variants.js';

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
}

export class NotFound extends Error {}

export class ReferenceIcs {
  readonly vendor = 'ics-conformance project';
  readonly product = 'Reference ICS';
  readonly version: string;
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
  ) {
    this.version = version;
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
    const ref = `I${++this.seq}`;
    const inv: InvolvementRecord = { ref, childRef, sourceRecordId: `REFICS.INV.${ref}.${randomUUID().slice(0, 6)}`, recorded: { ...recorded } };
    if (recorded.caseNote) inv.caseNote = recorded.caseNote;
    this.involvements.set(ref, inv);
    this.sendInvolvement(inv);
    return ref;
  }

  endInvolvement(ref: string, endDate: string): void {
    const inv = this.involvement(ref);
    inv.endDate = endDate;
    if (this.variants.has('drops-end-date')) {
      this.outbox.send('deleteSourceRecord', 'DELETE', `/contactpoint/v1/source-records/${encodeURIComponent(inv.sourceRecordId)}`);
      return;
    }
    this.sendInvolvement(inv);
  }

  setLeadProfessional(ref: string, lead: boolean): void {
    const inv = this.involvement(ref);
    inv.recorded.leadProfessional = lead;
    if (!this.variants.has('ignores-lead-professional')) this.sendInvolvement(inv);
  }

  /** Builds the ContactPoint message from the ICS's own records: identity and whom to contact, nothing else. */
  private sendInvolvement(inv: InvolvementRecord): void {
    const child = this.child(inv.childRef).identity;
    const now = new Date();
    if (ageOn(child.dateOfBirth, isoDate(now)) >= 18 && !this.variants.has('sends-adults')) return;
    const r = inv.recorded;
    let contact = r.worker;
    if (this.variants.has('wrong-contact')) contact = { ...contact, phone: '0300 123 4567' };
    if (this.variants.has('case-note-in-role') && inv.caseNote && contact.kind === 'practitioner') contact = { ...contact, role: `${contact.role}: ${inv.caseNote}`.slice(0, 80) };
    const identity: ChildIdentity = this.variants.has('drops-identifiers') ? { ...child, identifiers: { ...child.identifiers, nhsNumber: undefined } } : child;
    if (identity.identifiers.nhsNumber === undefined) delete identity.identifiers.nhsNumber;
    const msg: InvolvementMessage = {
      messageId: randomUUID(),
      sourceRecordId: this.variants.has('duplicate-involvement') ? `${inv.sourceRecordId}.${++this.seq}` : inv.sourceRecordId,
      sentAt: now.toISOString(),
      child: identity,
      involvement: {
        service: r.service,
        contact,
        startDate: this.variants.has('wrong-start-date') ? isoDate(now) === r.startDate ? isoDate(new Date(now.getTime() - 86_400_000)) : isoDate(now) : r.startDate,
        leadProfessional: r.leadProfessional,
        ...(inv.endDate ? { endDate: inv.endDate } : {}),
        ...(SENSITIVE_SERVICES.includes(r.service) && r.sensitiveBasis && !this.variants.has('omits-sensitive-basis') ? { sensitiveBasis: r.sensitiveBasis } : {}),
      },
    };
    if (this.variants.has('sends-case-note') && inv.caseNote) (msg.involvement as Record<string, unknown>).reason = inv.caseNote;
    this.outbox.send('submitInvolvement', 'POST', '/contactpoint/v1/involvements', msg as unknown as Record<string, unknown>);
    if (this.variants.has('reads-contactpoint'))
      this.outbox.send('searchChildren', 'GET', `/contactpoint/v1/children?familyName=${encodeURIComponent(child.name.family)}&dateOfBirth=${child.dateOfBirth}`);
    if (this.variants.has('reads-other-records')) this.outbox.send('getSourceRecord', 'GET', `/contactpoint/v1/source-records/NOT-MINE-${this.seq}`);
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
