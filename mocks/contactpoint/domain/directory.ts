/**
 * The ContactPoint directory: plain domain code over SQLite, with no HTTP in it. Source systems feed
 * involvements and CAF indicators; practitioners look children up. Every rule the interface
 * specification states is enforced here, and each refusal names the requirement it enforces.
 */
import { createHash, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Store } from '../../../src/core/store.js';
import { ProblemError, type ProblemItem } from '../../../src/core/problem.js';
import { ageOn, addYears, isoDate } from '../../../src/core/clock.js';
import { makeContactPointId, normalisePostcode } from '../../../src/identifiers/index.js';
import type { Client, SessionContext } from '../../../src/core/sessions.js';
import type { ChildIdentity, PractitionerContact, PersonName } from '../../../src/schemas/common.js';
import { SENSITIVE_SERVICES, type CafIndicatorMessage, type InvolvementMessage, type Receipt, type ServiceType } from '../schemas.js';
import { findCaseContent } from './case-content.js';

type Kind = 'involvement' | 'caf';
type AnyMessage = InvolvementMessage | CafIndicatorMessage;
type MatchedBy = 'source-record' | 'nhsNumber' | 'upn' | 'uln' | 'demographics' | 'new-child';

const IDENTIFIER_KINDS = ['nhsNumber', 'upn', 'uln'] as const;

export interface ReviewItem {
  reviewId: string;
  clientId: string;
  kind: Kind;
  reason: string;
  candidates: string[];
  status: 'open' | 'resolved';
  createdAt: string;
  message: AnyMessage;
  resolution?: { contactPointId: string; resolvedAt: string };
}

export interface AuditEntry {
  at: string;
  clientId: string;
  practitionerId: string;
  operation: 'search' | 'read';
  query?: Record<string, string>;
  contactPointIds: string[];
}

export interface Viewer {
  client: Client;
  practitionerId: string;
}

const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase().replace(/\s+/g, ' ');

function postcodeOf(child: ChildIdentity): string | undefined {
  const r = child.residence;
  if (r.status === 'current' || r.status === 'last-known') return normalisePostcode(r.address.postcode);
  return undefined;
}

/** Times are compared as instants: "10:00+01:00" is before "09:30Z". Stored in UTC so SQL orders them right. */
function utc(dateTime: string): string {
  return new Date(dateTime).toISOString();
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export class Directory {
  private readonly db: Database.Database;
  private readonly serials = new Map<string, number>();
  private readonly q;

  constructor(private readonly store: Store) {
    this.db = store.db;
    store.exec(`
      CREATE TABLE IF NOT EXISTS cp_messages (session_id TEXT NOT NULL, client_id TEXT NOT NULL, message_id TEXT NOT NULL,
        body_hash TEXT NOT NULL, receipt TEXT NOT NULL, PRIMARY KEY (session_id, client_id, message_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS cp_children (session_id TEXT NOT NULL, cp_id TEXT NOT NULL, identity TEXT NOT NULL, identity_sent_at TEXT NOT NULL,
        shielded INTEGER NOT NULL DEFAULT 0, family_norm TEXT NOT NULL, given_norm TEXT NOT NULL, dob TEXT NOT NULL, postcode_norm TEXT,
        created_at TEXT NOT NULL, PRIMARY KEY (session_id, cp_id));
      CREATE INDEX IF NOT EXISTS cp_children_demo ON cp_children (session_id, family_norm, dob);
      CREATE INDEX IF NOT EXISTS cp_children_dob ON cp_children (session_id, dob);
      CREATE INDEX IF NOT EXISTS cp_children_pc ON cp_children (session_id, postcode_norm);
      CREATE TABLE IF NOT EXISTS cp_identifiers (session_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, client_id TEXT NOT NULL,
        cp_id TEXT NOT NULL, PRIMARY KEY (session_id, kind, value, client_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS cp_identifiers_child ON cp_identifiers (session_id, cp_id);
      CREATE TABLE IF NOT EXISTS cp_source_records (session_id TEXT NOT NULL, client_id TEXT NOT NULL, kind TEXT NOT NULL, source_record_id TEXT NOT NULL,
        cp_id TEXT, message TEXT NOT NULL, message_id TEXT NOT NULL, sent_at TEXT NOT NULL, PRIMARY KEY (session_id, client_id, kind, source_record_id));
      CREATE INDEX IF NOT EXISTS cp_source_records_child ON cp_source_records (session_id, cp_id);
      CREATE TABLE IF NOT EXISTS cp_reviews (session_id TEXT NOT NULL, review_id TEXT NOT NULL, client_id TEXT NOT NULL, kind TEXT NOT NULL,
        message TEXT NOT NULL, reason TEXT NOT NULL, candidates TEXT NOT NULL, status TEXT NOT NULL, resolution TEXT, created_at TEXT NOT NULL,
        PRIMARY KEY (session_id, review_id));
      CREATE TABLE IF NOT EXISTS cp_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS cp_audit_session ON cp_audit (session_id, id);
    `);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      message: p('SELECT body_hash, receipt FROM cp_messages WHERE session_id = ? AND client_id = ? AND message_id = ?'),
      insertMessage: p('INSERT INTO cp_messages (session_id, client_id, message_id, body_hash, receipt) VALUES (?, ?, ?, ?, ?)'),
      sourceRecord: p('SELECT cp_id, sent_at, message, message_id FROM cp_source_records WHERE session_id = ? AND client_id = ? AND kind = ? AND source_record_id = ?'),
      upsertSourceRecord: p(`INSERT INTO cp_source_records (session_id, client_id, kind, source_record_id, cp_id, message, message_id, sent_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, client_id, kind, source_record_id)
        DO UPDATE SET cp_id = excluded.cp_id, message = excluded.message, message_id = excluded.message_id, sent_at = excluded.sent_at`),
      // Without statistics SQLite's planner prefers a scan of the whole session (session_id is the leading
      // column of every index) over the selective index: DISTINCT would pick the cp_id-ordered index, and
      // the demographic and per-child queries name their index. Otherwise each ingest scans the session.
      byIdentifier: p('SELECT cp_id FROM cp_identifiers WHERE session_id = ? AND kind = ? AND value = ?'),
      identifiersOf: p('SELECT kind, value, client_id FROM cp_identifiers WHERE session_id = ? AND cp_id = ?'),
      insertIdentifier: p('INSERT OR REPLACE INTO cp_identifiers (session_id, kind, value, client_id, cp_id) VALUES (?, ?, ?, ?, ?)'),
      deleteClientIdentifiers: p('DELETE FROM cp_identifiers WHERE session_id = ? AND cp_id = ? AND client_id = ?'),
      byDemographics: p('SELECT cp_id, postcode_norm FROM cp_children INDEXED BY cp_children_demo WHERE session_id = ? AND family_norm = ? AND given_norm = ? AND dob = ?'),
      child: p('SELECT * FROM cp_children WHERE session_id = ? AND cp_id = ?'),
      insertChild: p(`INSERT INTO cp_children (session_id, cp_id, identity, identity_sent_at, family_norm, given_norm, dob, postcode_norm, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      updateChild: p(`UPDATE cp_children SET identity = ?, identity_sent_at = ?, family_norm = ?, given_norm = ?, dob = ?, postcode_norm = ?
        WHERE session_id = ? AND cp_id = ?`),
      recordsOf: p('SELECT client_id, kind, source_record_id, message, sent_at FROM cp_source_records INDEXED BY cp_source_records_child WHERE session_id = ? AND cp_id = ? ORDER BY sent_at'),
      maxSerial: p("SELECT MAX(CAST(substr(cp_id, 3, 9) AS INTEGER)) AS n FROM cp_children WHERE session_id = ?"),
      insertReview: p(`INSERT INTO cp_reviews (session_id, review_id, client_id, kind, message, reason, candidates, status, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)`),
      review: p('SELECT * FROM cp_reviews WHERE session_id = ? AND review_id = ?'),
      reviews: p('SELECT * FROM cp_reviews WHERE session_id = ? ORDER BY created_at, review_id'),
      resolveReview: p("UPDATE cp_reviews SET status = 'resolved', resolution = ? WHERE session_id = ? AND review_id = ?"),
      setShielded: p('UPDATE cp_children SET shielded = ? WHERE session_id = ? AND cp_id = ?'),
      insertAudit: p('INSERT INTO cp_audit (session_id, entry) VALUES (?, ?)'),
      audit: p('SELECT entry FROM cp_audit WHERE session_id = ? ORDER BY id'),
    };
  }

  /** Wipes one session's directory (control API reset). */
  reset(sessionId: string): void {
    for (const t of ['cp_messages', 'cp_children', 'cp_identifiers', 'cp_source_records', 'cp_reviews', 'cp_audit'])
      this.db.prepare(`DELETE FROM ${t} WHERE session_id = ?`).run(sessionId);
    this.serials.delete(sessionId);
  }

  // ---------------------------------------------------------------- feed

  /** Rules beyond the schema. Throws a 422 naming each rule broken. */
  checkInvolvement(msg: InvolvementMessage): void {
    const day = msg.sentAt.slice(0, 10);
    const errors: ProblemItem[] = [];
    this.checkChild(msg.child, day, '/child', errors);
    const inv = msg.involvement;
    for (const f of findCaseContent(contactTexts(inv.contact, '/involvement/contact'))) {
      errors.push({ path: f.path, rule: 'case-information', requirement: 'CP-FEED-002', message: `case information ("${f.term}") is not allowed: say whom to contact, never why` });
    }
    if (inv.endDate && inv.endDate < inv.startDate)
      errors.push({ path: '/involvement/endDate', rule: 'end-after-start', requirement: 'CP-FEED-010', message: 'end date is before the start date' });
    if (SENSITIVE_SERVICES.includes(inv.service) && !inv.sensitiveBasis)
      errors.push({
        path: '/involvement/sensitiveBasis',
        rule: 'sensitive-basis-required',
        requirement: 'CP-FEED-006',
        message: `${inv.service} is a sensitive service: state the basis (consent or significant-harm-suspected)`,
      });
    throwIfAny(errors);
  }

  checkCafIndicator(msg: CafIndicatorMessage): void {
    const errors: ProblemItem[] = [];
    this.checkChild(msg.child, msg.sentAt.slice(0, 10), '/child', errors);
    for (const f of findCaseContent(contactTexts(msg.assessor, '/assessor')))
      errors.push({ path: f.path, rule: 'case-information', requirement: 'CP-CAF-002', message: `case information ("${f.term}") is not allowed in a CAF indicator` });
    throwIfAny(errors);
  }

  private checkChild(child: ChildIdentity, day: string, prefix: string, errors: ProblemItem[]): void {
    if (child.dateOfBirth > day)
      errors.push({ path: `${prefix}/dateOfBirth`, rule: 'born-by-message-date', requirement: 'CP-FEED-010', message: 'date of birth is after the message date' });
    else if (ageOn(child.dateOfBirth, day) >= 18)
      errors.push({
        path: `${prefix}/dateOfBirth`,
        rule: 'under-18',
        requirement: 'CP-FEED-005',
        message: `the child is ${ageOn(child.dateOfBirth, day)} on ${day}: ContactPoint holds children up to their 18th birthday; the record belongs in the archive`,
      });
    if (child.school) {
      for (const f of findCaseContent([[`${prefix}/school/name`, child.school.name]]))
        errors.push({ path: f.path, rule: 'case-information', requirement: 'CP-FEED-002', message: `case information ("${f.term}") is not allowed` });
    }
  }

  /**
   * Accepts one message: idempotent on message ID, stale-aware per source record, matched to a child
   * or queued for review. Must run inside a transaction (the caller's group commit or bulk batch).
   */
  ingest(session: SessionContext, client: Client, kind: Kind, msg: AnyMessage): { receipt: Receipt; repeat: boolean } {
    const sid = session.id;
    // Serialised once: hashed for idempotency and stored as the source record's message.
    const text = JSON.stringify(msg);
    const hash = hashText(text);
    const prior = this.q.message.get(sid, client.id, msg.messageId) as { body_hash: string; receipt: string } | undefined;
    if (prior) {
      if (prior.body_hash !== hash)
        throw new ProblemError('ICS_ERR_MESSAGE_ID_REUSED', {
          detail: `Message ${msg.messageId} was already received with different content`,
          errors: [{ path: '/messageId', rule: 'message-id-unique', requirement: 'CP-FEED-001', message: 'message ID reused for a different message' }],
        });
      return { receipt: { ...(JSON.parse(prior.receipt) as Receipt), repeat: true }, repeat: true };
    }
    if (kind === 'involvement') this.checkInvolvement(msg as InvolvementMessage);
    else this.checkCafIndicator(msg as CafIndicatorMessage);

    const recordId = kind === 'involvement' ? (msg as InvolvementMessage).sourceRecordId : (msg as CafIndicatorMessage).episodeRef;
    const now = session.now().toISOString();
    const base = { receiptId: randomUUID(), messageId: msg.messageId, sourceRecordId: recordId, repeat: false, receivedAt: now };
    let receipt: Receipt;
    const existing = this.q.sourceRecord.get(sid, client.id, kind, recordId) as { cp_id: string | null; sent_at: string } | undefined;
    const sentAt = utc(msg.sentAt);
    if (existing && existing.sent_at > sentAt) {
      // An older message arriving late must not overwrite newer data.
      receipt = { ...base, status: 'stale', ...(existing.cp_id ? { contactPointId: existing.cp_id } : {}) };
    } else {
      const match = this.match(sid, client.id, msg.child, existing?.cp_id ?? undefined);
      if ('review' in match) {
        const reviewId = `REV-${randomUUID().slice(0, 8).toUpperCase()}`;
        this.q.insertReview.run(sid, reviewId, client.id, kind, text, match.review, JSON.stringify(match.candidates), now);
        receipt = { ...base, status: 'queued-for-review', reviewId };
      } else {
        const cpId = this.apply(sid, client.id, kind, recordId, msg, match.cpId, now, text);
        receipt = { ...base, status: 'accepted', contactPointId: cpId, matchedBy: match.by };
      }
    }
    this.q.insertMessage.run(sid, client.id, msg.messageId, hash, JSON.stringify(receipt));
    return { receipt, repeat: false };
  }

  private match(sid: string, clientId: string, child: ChildIdentity, linked: string | undefined):
    | { cpId: string | undefined; by: MatchedBy }
    | { review: string; candidates: string[] } {
    const byId = new Map<string, MatchedBy>();
    for (const kind of IDENTIFIER_KINDS) {
      const value = child.identifiers[kind];
      if (!value) continue;
      for (const r of this.q.byIdentifier.all(sid, kind, value) as Array<{ cp_id: string }>) if (!byId.has(r.cp_id)) byId.set(r.cp_id, kind);
    }
    if (linked) {
      const others = [...byId.keys()].filter((id) => id !== linked);
      if (others.length > 0)
        return { review: `this source record is linked to ${linked} but its identifiers belong to ${others.join(', ')}`, candidates: [linked, ...others] };
      return { cpId: linked, by: 'source-record' };
    }
    if (byId.size > 1) return { review: `identifiers point at different children: ${[...byId.keys()].join(', ')}`, candidates: [...byId.keys()] };
    if (byId.size === 1) {
      const [cpId, by] = [...byId.entries()][0]!;
      const row = this.q.child.get(sid, cpId) as { dob: string } | undefined;
      if (row && row.dob !== child.dateOfBirth)
        return { review: `${by} matches ${cpId} but the date of birth differs (${row.dob} held, ${child.dateOfBirth} sent)`, candidates: [cpId] };
      return { cpId, by };
    }
    const rows = this.q.byDemographics.all(sid, norm(child.name.family), norm(child.name.given), child.dateOfBirth) as Array<{ cp_id: string; postcode_norm: string | null }>;
    if (rows.length === 0) return { cpId: undefined, by: 'new-child' };
    const postcode = postcodeOf(child);
    if (!postcode) return { review: 'name and date of birth match existing children but there is no postcode to confirm', candidates: rows.map((r) => r.cp_id) };
    const same = rows.filter((r) => r.postcode_norm === postcode);
    if (same.length === 0) return { cpId: undefined, by: 'new-child' };
    if (same.length > 1) return { review: `name, date of birth and postcode match ${same.length} children`, candidates: same.map((r) => r.cp_id) };
    const cpId = same[0]!.cp_id;
    // Identifiers of the same kind that disagree mean two different children with the same demographics.
    const held = this.q.identifiersOf.all(sid, cpId) as Array<{ kind: string; value: string }>;
    for (const kind of IDENTIFIER_KINDS) {
      const sent = child.identifiers[kind];
      const conflict = sent && held.find((h) => h.kind === kind && h.value !== sent);
      if (conflict) return { review: `demographics match ${cpId} but its ${kind} differs`, candidates: [cpId] };
    }
    return { cpId, by: 'demographics' };
  }

  private nextSerial(sid: string): number {
    let n = this.serials.get(sid);
    if (n === undefined) n = (this.q.maxSerial.get(sid) as { n: number | null }).n ?? 0;
    n++;
    this.serials.set(sid, n);
    return n;
  }

  /** Writes the message against a child (new or existing). Returns the ContactPoint ID. */
  private apply(sid: string, clientId: string, kind: Kind, recordId: string, msg: AnyMessage, cpId: string | undefined, now: string, text = JSON.stringify(msg)): string {
    const child = msg.child;
    const fields = [norm(child.name.family), norm(child.name.given), child.dateOfBirth, postcodeOf(child) ?? null] as const;
    if (!cpId) {
      cpId = makeContactPointId(this.nextSerial(sid));
      this.q.insertChild.run(sid, cpId, JSON.stringify(child), utc(msg.sentAt), ...fields, now);
    } else {
      const row = this.q.child.get(sid, cpId) as { identity_sent_at: string };
      // Superseded data: the newest message about the child carries its current identity.
      if (utc(msg.sentAt) >= row.identity_sent_at) this.q.updateChild.run(JSON.stringify(child), utc(msg.sentAt), ...fields, sid, cpId);
    }
    this.q.deleteClientIdentifiers.run(sid, cpId, clientId);
    for (const k of IDENTIFIER_KINDS) {
      const v = child.identifiers[k];
      if (v) this.q.insertIdentifier.run(sid, k, v, clientId, cpId);
    }
    this.q.upsertSourceRecord.run(sid, clientId, kind, recordId, cpId, text, msg.messageId, utc(msg.sentAt));
    return cpId;
  }

  // ---------------------------------------------------------------- review queue

  reviews(sessionId: string): ReviewItem[] {
    return (this.q.reviews.all(sessionId) as ReviewRow[]).map(toReview);
  }

  /** A human decides: attach the held message to an existing child, or create a new one. */
  resolveReview(session: SessionContext, reviewId: string, decision: { contactPointId?: string; createNew?: boolean }): ReviewItem {
    const row = this.q.review.get(session.id, reviewId) as ReviewRow | undefined;
    if (!row) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No review item ${reviewId}` });
    if (row.status !== 'open') throw new ProblemError('ICS_ERR_REVIEW_STATE', { detail: `${reviewId} is already resolved` });
    if (decision.contactPointId && !this.q.child.get(session.id, decision.contactPointId))
      throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No child ${decision.contactPointId}` });
    const msg = JSON.parse(row.message) as AnyMessage;
    const kind = row.kind as Kind;
    const recordId = kind === 'involvement' ? (msg as InvolvementMessage).sourceRecordId : (msg as CafIndicatorMessage).episodeRef;
    const now = session.now().toISOString();
    const cpId = this.apply(session.id, row.client_id, kind, recordId, msg, decision.createNew ? undefined : decision.contactPointId, now);
    this.q.resolveReview.run(JSON.stringify({ contactPointId: cpId, resolvedAt: now }), session.id, reviewId);
    return toReview(this.q.review.get(session.id, reviewId) as ReviewRow);
  }

  // ---------------------------------------------------------------- source systems' own records

  sourceRecord(sessionId: string, clientId: string, sourceRecordId: string) {
    const row = this.q.sourceRecord.get(sessionId, clientId, 'involvement', sourceRecordId) as
      | { cp_id: string | null; sent_at: string; message: string; message_id: string }
      | undefined;
    if (!row) throw new ProblemError('ICS_ERR_NOT_OWNER', { detail: `Your system has no source record ${sourceRecordId}`, requirement: 'SEC-ISO-001' });
    return {
      sourceRecordId,
      ...(row.cp_id ? { contactPointId: row.cp_id } : {}),
      status: 'accepted',
      lastMessageId: row.message_id,
      sentAt: row.sent_at,
      message: JSON.parse(row.message) as InvolvementMessage,
    };
  }

  // ---------------------------------------------------------------- lookups

  search(session: SessionContext, viewer: Viewer, query: { familyName?: string; givenName?: string; dateOfBirth?: string; postcode?: string }) {
    const where = ['session_id = ?'];
    const args: string[] = [session.id];
    if (query.familyName) {
      where.push('family_norm = ?');
      args.push(norm(query.familyName));
    }
    if (query.givenName) {
      where.push('given_norm = ?');
      args.push(norm(query.givenName));
    }
    if (query.dateOfBirth) {
      where.push('dob = ?');
      args.push(query.dateOfBirth);
    }
    if (query.postcode) {
      // A shielded record is found only on its visible fields: never by address.
      where.push('postcode_norm = ?', 'shielded = 0');
      args.push(normalisePostcode(query.postcode));
    }
    // "+cp_id": without statistics the planner would walk the whole session in cp_id order to skip the
    // sort, so every search scanned every child (the soak showed it); sorting the few matches is cheaper.
    const rows = this.db.prepare(`SELECT cp_id, identity, shielded, postcode_norm FROM cp_children WHERE ${where.join(' AND ')} ORDER BY +cp_id LIMIT 51`).all(...args) as Array<{
      cp_id: string;
      identity: string;
      shielded: number;
      postcode_norm: string | null;
    }>;
    const results = rows.slice(0, 50).map((r) => {
      const id = JSON.parse(r.identity) as ChildIdentity;
      return {
        contactPointId: r.cp_id,
        name: id.name,
        dateOfBirth: id.dateOfBirth,
        gender: id.gender,
        ...(r.shielded || !r.postcode_norm ? {} : { postcode: r.postcode_norm }),
        shielded: r.shielded === 1,
      };
    });
    this.audit(session, viewer, 'search', results.map((r) => r.contactPointId), query as Record<string, string>);
    return { results, truncated: rows.length > 50 };
  }

  read(session: SessionContext, viewer: Viewer, cpId: string) {
    const row = this.q.child.get(session.id, cpId) as { identity: string; shielded: number } | undefined;
    if (!row) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No child ${cpId}` });
    this.audit(session, viewer, 'read', [cpId]);
    const id = JSON.parse(row.identity) as ChildIdentity;
    if (row.shielded)
      return {
        contactPointId: cpId,
        shielded: true as const,
        name: id.name,
        gender: id.gender,
        dateOfBirth: id.dateOfBirth,
        parentNames: id.parentsCarers.filter((p) => p.parentalResponsibility).map((p) => p.name),
      };
    return this.view(session, viewer.client, cpId, id);
  }

  /** The full record as a practitioner may see it today (by the session's clock). */
  view(session: SessionContext, client: Client, cpId: string, identity: ChildIdentity) {
    const today = isoDate(session.now());
    const seeSensitive = client.permissions.includes('lookup:sensitive');
    const involvements: Array<{ service: ServiceType; contact: PractitionerContact; startDate: string; endDate?: string; leadProfessional: boolean; sourceSystem: string; sentAt: string }> = [];
    let caf: CafIndicatorMessage | undefined;
    for (const r of this.q.recordsOf.all(session.id, cpId) as Array<{ client_id: string; kind: Kind; message: string }>) {
      if (r.kind === 'caf') {
        const m = JSON.parse(r.message) as CafIndicatorMessage;
        if (!caf || Date.parse(m.sentAt) >= Date.parse(caf.sentAt)) caf = m;
        continue;
      }
      const m = JSON.parse(r.message) as InvolvementMessage;
      const inv = m.involvement;
      // Ended involvements stay visible for one year after the end date, then drop out.
      if (inv.endDate && addYears(inv.endDate, 1) < today) continue;
      if (SENSITIVE_SERVICES.includes(inv.service) && !seeSensitive) continue;
      involvements.push({
        service: inv.service,
        contact: inv.contact,
        startDate: inv.startDate,
        ...(inv.endDate ? { endDate: inv.endDate } : {}),
        leadProfessional: inv.leadProfessional,
        sourceSystem: inv.contact.organisation,
        sentAt: m.sentAt,
      });
    }
    const lead = involvements.filter((i) => i.leadProfessional && (!i.endDate || i.endDate >= today)).sort((a, b) => Date.parse(b.sentAt) - Date.parse(a.sentAt))[0];
    const mine = (this.q.identifiersOf.all(session.id, cpId) as Array<{ kind: string; value: string; client_id: string }>).filter((i) => i.client_id === client.id);
    return {
      contactPointId: cpId,
      shielded: false as const,
      name: identity.name,
      formerNames: identity.formerNames,
      dateOfBirth: identity.dateOfBirth,
      gender: identity.gender,
      residence: identity.residence,
      parentsCarers: identity.parentsCarers,
      ...(identity.school ? { school: identity.school } : {}),
      ...(mine.length ? { identifiers: Object.fromEntries(mine.map((i) => [i.kind, i.value])) } : {}),
      involvements: involvements.map(({ sentAt: _s, ...rest }) => rest),
      ...(lead ? { leadProfessional: lead.contact } : {}),
      ...(caf ? { cafIndicator: { exists: true as const, status: caf.status, assessor: caf.assessor, completedOn: caf.completedOn } } : {}),
    };
  }

  setShielded(session: SessionContext, cpId: string, shielded: boolean): void {
    if (this.q.setShielded.run(shielded ? 1 : 0, session.id, cpId).changes === 0)
      throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No child ${cpId}` });
  }

  private audit(session: SessionContext, viewer: Viewer, operation: 'search' | 'read', ids: string[], query?: Record<string, string>): void {
    const entry: AuditEntry = { at: session.now().toISOString(), clientId: viewer.client.id, practitionerId: viewer.practitionerId, operation, contactPointIds: ids, ...(query ? { query } : {}) };
    this.q.insertAudit.run(session.id, JSON.stringify(entry));
  }

  auditLog(sessionId: string): AuditEntry[] {
    return (this.q.audit.all(sessionId) as Array<{ entry: string }>).map((r) => JSON.parse(r.entry) as AuditEntry);
  }

  /** For the harness and tests: every child held, by ContactPoint ID. */
  children(sessionId: string): Array<{ contactPointId: string; identity: ChildIdentity; shielded: boolean }> {
    return (this.db.prepare('SELECT cp_id, identity, shielded FROM cp_children WHERE session_id = ? ORDER BY cp_id').all(sessionId) as Array<{ cp_id: string; identity: string; shielded: number }>).map(
      (r) => ({ contactPointId: r.cp_id, identity: JSON.parse(r.identity) as ChildIdentity, shielded: r.shielded === 1 }),
    );
  }
}

type ReviewRow = { review_id: string; client_id: string; kind: string; message: string; reason: string; candidates: string; status: string; resolution: string | null; created_at: string };

function toReview(r: ReviewRow): ReviewItem {
  return {
    reviewId: r.review_id,
    clientId: r.client_id,
    kind: r.kind as Kind,
    reason: r.reason,
    candidates: JSON.parse(r.candidates) as string[],
    status: r.status as 'open' | 'resolved',
    createdAt: r.created_at,
    message: JSON.parse(r.message) as AnyMessage,
    ...(r.resolution ? { resolution: JSON.parse(r.resolution) as { contactPointId: string; resolvedAt: string } } : {}),
  };
}

function contactTexts(c: PractitionerContact, prefix: string): Array<[string, string | undefined]> {
  return c.kind === 'practitioner'
    ? [
        [`${prefix}/role`, c.role],
        [`${prefix}/organisation`, c.organisation],
      ]
    : [
        [`${prefix}/teamName`, c.teamName],
        [`${prefix}/organisation`, c.organisation],
      ];
}

function throwIfAny(errors: ProblemItem[]): void {
  if (errors.length === 0) return;
  const first = errors[0]!;
  const code = first.rule === 'case-information' ? 'ICS_ERR_CASE_INFORMATION' : first.rule === 'under-18' ? 'ICS_ERR_AGE_LIMIT' : first.rule === 'sensitive-basis-required' ? 'ICS_ERR_SENSITIVE_BASIS' : 'ICS_ERR_DATES';
  throw new ProblemError(code, { detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors });
}

export type { PersonName };
