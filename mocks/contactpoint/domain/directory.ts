/**
 * The ContactPoint directory: plain domain code with no HTTP in it. Source systems feed involvements
 * and CAF indicators; practitioners look children up. The rules are in ../rules.ts (raised here by
 * key) and the matching rules in ./matching.ts (asked of these indexes through MatchIndex).
 *
 * Storage (docs/decisions/0007): every message the directory accepts, holds for review or finds stale
 * is one row in an append-only SQLite log, written in the caller's transaction (the group commit),
 * so an acknowledged message is durable. What matching needs (message IDs, source records,
 * identifiers, demographics) and what lookups filter on are compact in-memory indexes per session,
 * rebuilt from the log when a session is first touched after a start; bodies stay in the log and are
 * read back by sequence number. A transaction that rolls back drops the session's indexes, so they
 * are rebuilt from what SQLite kept.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Store } from '../../../src/platform/store.js';
import { ProblemError } from '../../../src/platform/problem.js';
import { addYears, isoDate } from '../../../src/platform/clock.js';
import { normalisePostcode } from '../../../src/platform/identifiers/index.js';
import { makeContactPointId } from '../cpid.js';
import type { Client, SessionContext } from '../../../src/platform/sessions.js';
import type { ChildIdentity, PractitionerContact, PersonName } from '../../../src/platform/schemas/common.js';
import { SENSITIVE_SERVICES, type CafIndicatorMessage, type InvolvementMessage, type Receipt, type ServiceType } from '../schemas.js';
import { HashIndex, ensure, hash52, hash64, type Key } from './hash-index.js';
import { CP } from '../rules.js';
import { matchChild, type IdentifierKind, type MatchIndex } from './matching.js';
import {
  IDENTIFIER_KINDS,
  dayNumber,
  nameHash,
  norm,
  postcodeOf,
  prepareMessage,
  type AnyMessage,
  type Kind,
  KEY,
  type PreparedChild,
  type PreparedMessage,
} from './prepare.js';

/** The journal's name for this log as a store of request bodies (Journal.bodySource). */
export const LOG_BODIES = 'contactpoint-log';

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

/** Times are compared as instants: "10:00+01:00" is before "09:30Z". */
function utc(dateTime: string): string {
  return new Date(dateTime).toISOString();
}

const messageKey = (clientId: string, messageId: string) => hash64(`m\0${clientId}\0${messageId}`);
const recordKey = (clientId: string, kind: Kind, recordId: string) => hash64(`r\0${clientId}\0${kind}\0${recordId}`);

/**
 * One session's directory in memory. Children are numbered by their ContactPoint serial (1, 2, ...)
 * and source records by slot; both are columns of typed arrays. Bodies are log sequence numbers.
 */
class SessionIndex {
  children = 0;
  dob = new Int32Array(16);
  family = new Uint32Array(16);
  given = new Uint32Array(16);
  postcode = new Float64Array(16);
  /** The log row whose child identity is the child's current one, and its sentAt. */
  identitySeq = new Int32Array(16);
  identitySentAt = new Float64Array(16);
  demoHi = new Uint32Array(16);
  demoLo = new Uint32Array(16);
  shielded = new Uint8Array(16);
  firstRecord = new Int32Array(16).fill(-1);

  records = 0;
  recordChild = new Int32Array(16);
  /** The log row of the record's latest applied message, and its sentAt. */
  recordSeq = new Int32Array(16);
  recordSentAt = new Float64Array(16);
  nextRecord = new Int32Array(16);
  /**
   * The identifier keys the record's latest message carries (3 slots a record, one per kind, in
   * IDENTIFIER_KINDS order; bit k of recordIdSet says slot k is held): an update takes the old ones
   * out of the index without reading and parsing the previous message (25 bytes a record).
   */
  recordIdHi = new Uint32Array(48);
  recordIdLo = new Uint32Array(48);
  recordIdSet = new Uint8Array(16);

  /** (client, message ID) -> log row. */
  readonly messages = new HashIndex();
  /** (client, kind, source record ID) -> record slot. */
  readonly recordsByKey = new HashIndex();
  /** (identifier kind, value) -> the record slots whose latest message carries it. */
  readonly identifiers = new HashIndex();
  /** (family, given, date of birth) -> child serial. */
  readonly demographics = new HashIndex();
  /** These indexes as matching asks of them (Directory.matchIndex). */
  matching: MatchIndex | undefined;

  addChild(): number {
    const s = ++this.children;
    this.dob = ensure(this.dob, s);
    this.family = ensure(this.family, s);
    this.given = ensure(this.given, s);
    this.postcode = ensure(this.postcode, s);
    this.identitySeq = ensure(this.identitySeq, s);
    this.identitySentAt = ensure(this.identitySentAt, s);
    this.demoHi = ensure(this.demoHi, s);
    this.demoLo = ensure(this.demoLo, s);
    this.shielded = ensure(this.shielded, s);
    this.firstRecord = ensure(this.firstRecord, s, -1);
    return s;
  }

  addRecord(key: Key): number {
    const r = this.records++;
    this.recordChild = ensure(this.recordChild, r);
    this.recordSeq = ensure(this.recordSeq, r);
    this.recordSentAt = ensure(this.recordSentAt, r);
    this.nextRecord = ensure(this.nextRecord, r);
    this.recordIdHi = ensure(this.recordIdHi, r * 3 + 2);
    this.recordIdLo = ensure(this.recordIdLo, r * 3 + 2);
    this.recordIdSet = ensure(this.recordIdSet, r);
    this.recordChild[r] = 0;
    this.nextRecord[r] = -1;
    this.recordsByKey.add(key, r);
    return r;
  }

  /** Moves a record onto a child's list (off its old child's, if any). */
  link(r: number, serial: number): void {
    const old = this.recordChild[r]!;
    if (old === serial) return;
    if (old > 0) {
      if (this.firstRecord[old] === r) this.firstRecord[old] = this.nextRecord[r]!;
      else
        for (let p = this.firstRecord[old]!; p >= 0; p = this.nextRecord[p]!)
          if (this.nextRecord[p] === r) {
            this.nextRecord[p] = this.nextRecord[r]!;
            break;
          }
    }
    this.recordChild[r] = serial;
    this.nextRecord[r] = this.firstRecord[serial]!;
    this.firstRecord[serial] = r;
  }

  /** Bytes of every column and index (capacity): the memory this session's directory holds. */
  get bytes(): number {
    let n = this.messages.bytes + this.recordsByKey.bytes + this.identifiers.bytes + this.demographics.bytes;
    for (const col of [
      this.dob,
      this.family,
      this.given,
      this.postcode,
      this.identitySeq,
      this.identitySentAt,
      this.demoHi,
      this.demoLo,
      this.shielded,
      this.firstRecord,
    ])
      n += col.byteLength;
    for (const col of [this.recordChild, this.recordSeq, this.recordSentAt, this.nextRecord, this.recordIdHi, this.recordIdLo, this.recordIdSet])
      n += col.byteLength;
    return n;
  }

  recordsOf(serial: number): number[] {
    const out: number[] = [];
    for (let r = this.firstRecord[serial]!; r >= 0; r = this.nextRecord[r]!) out.push(r);
    return out;
  }
}

/** How far past the service's clock a message's sentAt may be (clock skew between systems). */
export const SENT_AT_TOLERANCE_MS = 5 * 60_000;

function futureSentAt(session: SessionContext): ProblemError {
  const message = `sentAt is later than the service's clock (${session.nowIso()}) by more than ${SENT_AT_TOLERANCE_MS / 60_000} minutes`;
  return CP.raise('sent-at-not-in-future', '/sentAt', message);
}

type LogRow = { client_id: string; kind: string; body: string; receipt: string | null };

export interface IngestResult {
  receipt: Receipt;
  repeat: boolean;
  /** The receipt as stored (not for a repeat): serialised once. */
  receiptJson?: string;
  /** The message's log row (not for a repeat). */
  seq?: number;
}

export class Directory {
  private readonly db: Database.Database;
  private readonly sessions = new Map<string, SessionIndex>();
  private readonly q;

  /**
   * The registered organisation of a session's client (the source system a record shows), from the
   * sessions' registry; a message's own contact.organisation is the sender's claim, not its identity.
   */
  organisationOf: (sessionId: string, clientId: string) => string | undefined = () => undefined;

  constructor(private readonly store: Store) {
    this.db = store.db;
    store.exec(`
      CREATE TABLE IF NOT EXISTS cp_log (seq INTEGER PRIMARY KEY, session_id TEXT NOT NULL, client_id TEXT NOT NULL, kind TEXT NOT NULL,
        body TEXT NOT NULL, receipt TEXT);
      CREATE INDEX IF NOT EXISTS cp_log_session ON cp_log (session_id, seq);
      CREATE TABLE IF NOT EXISTS cp_shielded (session_id TEXT NOT NULL, serial INTEGER NOT NULL, PRIMARY KEY (session_id, serial)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS cp_reviews (session_id TEXT NOT NULL, review_id TEXT NOT NULL, client_id TEXT NOT NULL, kind TEXT NOT NULL,
        message_seq INTEGER NOT NULL, message TEXT NOT NULL, reason TEXT NOT NULL, candidates TEXT NOT NULL, status TEXT NOT NULL, resolution TEXT,
        created_at TEXT NOT NULL, PRIMARY KEY (session_id, review_id));
      CREATE TABLE IF NOT EXISTS cp_audit (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, entry TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS cp_audit_session ON cp_audit (session_id, id);
    `);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      append: p('INSERT INTO cp_log (session_id, client_id, kind, body, receipt) VALUES (?, ?, ?, ?, ?)'),
      row: p('SELECT client_id, kind, body, receipt FROM cp_log WHERE seq = ?'),
      body: p('SELECT body FROM cp_log WHERE seq = ?').pluck(),
      log: p('SELECT seq, client_id, kind, body, receipt FROM cp_log WHERE session_id = ? ORDER BY seq'),
      shielded: p('SELECT serial FROM cp_shielded WHERE session_id = ?').pluck(),
      shield: p('INSERT OR IGNORE INTO cp_shielded (session_id, serial) VALUES (?, ?)'),
      unshield: p('DELETE FROM cp_shielded WHERE session_id = ? AND serial = ?'),
      insertReview: p(`INSERT INTO cp_reviews (session_id, review_id, client_id, kind, message_seq, message, reason, candidates, status, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`),
      review: p('SELECT * FROM cp_reviews WHERE session_id = ? AND review_id = ?'),
      reviews: p('SELECT * FROM cp_reviews WHERE session_id = ? ORDER BY created_at, review_id'),
      resolveReview: p("UPDATE cp_reviews SET status = 'resolved', resolution = ? WHERE session_id = ? AND review_id = ?"),
      insertAudit: p('INSERT INTO cp_audit (session_id, entry) VALUES (?, ?)'),
      audit: p('SELECT entry FROM cp_audit WHERE session_id = ? ORDER BY id'),
    };
  }

  private readonly scratch: Key = { hi: 0, lo: 0 };

  /** A key to look up with at once (the indexes copy its numbers): one object reused, not one per lookup. */
  private key(hi: number, lo: number): Key {
    this.scratch.hi = hi;
    this.scratch.lo = lo;
    return this.scratch;
  }

  /** A message exactly as it was sent, by its log position. */
  logBody(seq: number): string | undefined {
    return (this.q.row.get(seq) as LogRow | undefined)?.body;
  }

  /** Wipes one session's directory (control API reset). */
  reset(sessionId: string): void {
    for (const t of ['cp_log', 'cp_shielded', 'cp_reviews', 'cp_audit']) this.db.prepare(`DELETE FROM ${t} WHERE session_id = ?`).run(sessionId);
    this.sessions.delete(sessionId);
  }

  /** What the in-memory indexes hold, over every session loaded (for the control API's stats). */
  memory(): { sessions: number; children: number; sourceRecords: number; indexBytes: number } {
    let children = 0;
    let sourceRecords = 0;
    let indexBytes = 0;
    for (const ix of this.sessions.values()) {
      children += ix.children;
      sourceRecords += ix.records;
      indexBytes += ix.bytes;
    }
    return { sessions: this.sessions.size, children, sourceRecords, indexBytes };
  }

  /** Rebuilds a session's indexes now (at start-up), rather than on its first request. */
  warm(sessionId: string): void {
    this.index(sessionId);
  }

  /** The session's indexes, rebuilt from the log the first time after a start or a rollback. */
  private index(sessionId: string): SessionIndex {
    let ix = this.sessions.get(sessionId);
    if (ix) return ix;
    ix = new SessionIndex();
    for (const row of this.q.log.iterate(sessionId) as Iterable<LogRow & { seq: number }>) {
      if (row.kind === 'resolve') {
        const r = JSON.parse(row.body) as { messageSeq: number; contactPointId: string };
        const original = this.q.row.get(r.messageSeq) as LogRow;
        this.apply(
          ix,
          row.client_id,
          prepareMessage(original.kind as Kind, JSON.parse(original.body) as AnyMessage, { rules: false }),
          r.messageSeq,
          serialOfId(r.contactPointId),
        );
        continue;
      }
      const msg = JSON.parse(row.body) as AnyMessage;
      ix.messages.add(messageKey(row.client_id, msg.messageId), row.seq);
      const receipt = JSON.parse(row.receipt!) as Receipt;
      if (receipt.status === 'accepted')
        this.apply(ix, row.client_id, prepareMessage(row.kind as Kind, msg, { rules: false }), row.seq, serialOfId(receipt.contactPointId!));
    }
    for (const serial of this.q.shielded.all(sessionId) as number[]) ix.shielded[serial] = 1;
    this.sessions.set(sessionId, ix);
    return ix;
  }

  /** In-memory changes follow SQLite: if the transaction rolls back, the indexes are rebuilt from the log. */
  private changed(sessionId: string): void {
    this.store.onRollback(() => this.sessions.delete(sessionId));
  }

  private message(seq: number): AnyMessage {
    return JSON.parse(this.q.body.get(seq) as string) as AnyMessage;
  }

  private identity(ix: SessionIndex, serial: number): ChildIdentity {
    return this.message(ix.identitySeq[serial]!).child;
  }

  /** The serial of a ContactPoint ID this session holds, or 0. */
  private serialOf(ix: SessionIndex, cpId: string): number {
    const serial = serialOfId(cpId);
    return serial >= 1 && serial <= ix.children && makeContactPointId(serial) === cpId ? serial : 0;
  }

  // ---------------------------------------------------------------- feed

  /**
   * Accepts one message: idempotent on message ID, stale-aware per source record, matched to a child
   * or queued for review. Must run inside a transaction (the caller's group commit or bulk batch):
   * the log row it appends is the message's commit point. Every refusal is thrown before anything
   * changes. `text`, when given, is the JSON the message was parsed from: stored as it came.
   */
  ingest(session: SessionContext, client: Client, kind: Kind, msg: AnyMessage, text = JSON.stringify(msg)): IngestResult {
    return this.ingestPrepared(session, client, prepareMessage(kind, msg), text);
  }

  /** ingest, for a message already prepared (maybe on another thread) from `text`, the JSON it was sent as. */
  ingestPrepared(session: SessionContext, client: Client, p: PreparedMessage, text: string): IngestResult {
    const sid = session.id;
    const ix = this.index(sid);
    const kind = p.kind;
    const mKey = messageKey(client.id, p.messageId);
    let canonical: string | undefined;
    for (const seq of ix.messages.all(mKey)) {
      const prior = this.q.row.get(seq) as LogRow;
      if (prior.client_id !== client.id) continue;
      // The same message again, byte for byte or in meaning (a resend may be laid out differently).
      if (prior.body === text || JSON.stringify(JSON.parse(prior.body)) === (canonical ??= JSON.stringify(JSON.parse(text))))
        return { receipt: { ...(JSON.parse(prior.receipt!) as Receipt), repeat: true }, repeat: true };
      // Checked on the stored message, not the hash: a different message ID that shares the hash is new.
      if ((JSON.parse(prior.body) as AnyMessage).messageId === p.messageId)
        throw CP.raise('message-id-unique', '/messageId', 'message ID reused for a different message', {
          detail: `Message ${p.messageId} was already received with different content`,
        });
    }
    if (p.refusals) throw CP.refuse(p.refusals);
    // A sentAt past the service's clock would outrank every later genuine update (the latest sentAt wins).
    if (p.sentAt > session.now().getTime() + SENT_AT_TOLERANCE_MS) throw futureSentAt(session);

    const recordId = p.recordId;
    const now = session.nowIso();
    const receiptId = randomUUID();
    const record = ix.recordsByKey.first(recordKey(client.id, kind, recordId));
    const linked = record >= 0 ? ix.recordChild[record]! : 0;
    let receipt: Receipt;
    let serial = 0;
    let review: { reviewId: string; reason: string; candidates: string[] } | undefined;
    if (record >= 0 && ix.recordSentAt[record]! > p.sentAt) {
      // An older message arriving late must not overwrite newer data.
      receipt = { receiptId, messageId: p.messageId, sourceRecordId: recordId, repeat: false, receivedAt: now, status: 'stale' };
      if (linked) receipt.contactPointId = makeContactPointId(linked);
    } else {
      const match = matchChild(this.matchIndex(ix), p.child, linked);
      if ('review' in match) {
        review = { reviewId: `REV-${randomUUID().slice(0, 8).toUpperCase()}`, reason: match.review, candidates: match.candidates };
        receipt = {
          receiptId,
          messageId: p.messageId,
          sourceRecordId: recordId,
          repeat: false,
          receivedAt: now,
          status: 'queued-for-review',
          reviewId: review.reviewId,
        };
      } else {
        serial = match.serial || ix.children + 1;
        receipt = {
          receiptId,
          messageId: p.messageId,
          sourceRecordId: recordId,
          repeat: false,
          receivedAt: now,
          status: 'accepted',
          contactPointId: makeContactPointId(serial),
          matchedBy: match.by,
        };
      }
    }
    const receiptJson = JSON.stringify(receipt);
    const seq = Number(this.q.append.run(sid, client.id, kind, text, receiptJson).lastInsertRowid);
    // The indexes hold log positions as int32: two billion messages is far past any session's life.
    if (seq > 0x7fffffff) throw new Error('the ContactPoint log is full (2^31 messages): start a new --data file');
    if (review) this.q.insertReview.run(sid, review.reviewId, client.id, kind, seq, text, review.reason, JSON.stringify(review.candidates), now);
    this.changed(sid);
    ix.messages.add(mKey, seq);
    if (serial) this.apply(ix, client.id, p, seq, serial);
    return { receipt, repeat: false, receiptJson, seq };
  }

  /**
   * The session's indexes as matching sees them (./matching.ts): children and what they are held
   * with, behind the columns and hash indexes. Made once per SessionIndex.
   */
  private matchIndex(ix: SessionIndex): MatchIndex {
    return (ix.matching ??= {
      childrenWithIdentifier: (child, kind) => {
        const slot = KEY.ids + 2 * IDENTIFIER_KINDS.indexOf(kind);
        const hi = child.keys[slot]!;
        return hi < 0 ? [] : ix.identifiers.all(this.key(hi, child.keys[slot + 1]!)).map((r) => ix.recordChild[r]!);
      },
      childrenWithDemographics: (child, former) =>
        ix.demographics
          .all(
            former === undefined
              ? this.key(child.keys[KEY.demographic]!, child.keys[KEY.demographic + 1]!)
              : this.key(child.former![2 * former]!, child.former![2 * former + 1]!),
          )
          .sort((a, b) => a - b),
      dateOfBirth: (serial) => ix.dob[serial]!,
      postcode: (serial) => ix.postcode[serial]!,
      identifiersHeld: (serial) => this.identifiersHeld(ix, serial),
    });
  }

  /** Every identifier the child's source records currently carry, with the system that sent it. */
  private identifiersHeld(ix: SessionIndex, serial: number): Array<{ kind: IdentifierKind; value: string; clientId: string; sentAt: number }> {
    const out: Array<{ kind: IdentifierKind; value: string; clientId: string; sentAt: number }> = [];
    for (const r of ix.recordsOf(serial)) {
      const row = this.q.row.get(ix.recordSeq[r]!) as LogRow;
      const ids = (JSON.parse(row.body) as AnyMessage).child.identifiers;
      for (const kind of IDENTIFIER_KINDS) if (ids[kind]) out.push({ kind, value: ids[kind], clientId: row.client_id, sentAt: ix.recordSentAt[r]! });
    }
    return out;
  }

  /**
   * Writes an accepted message (log row seq) against child `serial`, created if new: its source
   * record, the identifiers that record carries, and the child's identity if this is the newest.
   */
  private apply(ix: SessionIndex, clientId: string, p: PreparedMessage, seq: number, serial: number): void {
    const child = p.child;
    const sentAt = p.sentAt;
    if (serial > ix.children) {
      while (ix.children < serial) ix.addChild();
      this.setIdentity(ix, serial, child, seq, sentAt);
    } else if (sentAt >= ix.identitySentAt[serial]!) {
      // Superseded data: the newest message about the child carries its current identity.
      this.setIdentity(ix, serial, child, seq, sentAt);
    }
    const rKey = recordKey(clientId, p.kind, p.recordId);
    let r = ix.recordsByKey.first(rKey);
    if (r < 0) r = ix.addRecord(rKey);
    else {
      // Superseded data: the identifiers the record's previous message carried no longer point at it.
      for (let k = 0; k < IDENTIFIER_KINDS.length; k++)
        if (ix.recordIdSet[r]! & (1 << k)) ix.identifiers.delete(this.key(ix.recordIdHi[r * 3 + k]!, ix.recordIdLo[r * 3 + k]!), r);
    }
    ix.link(r, serial);
    ix.recordSeq[r] = seq;
    ix.recordSentAt[r] = sentAt;
    let held = 0;
    const keys = child.keys;
    for (let k = 0; k < IDENTIFIER_KINDS.length; k++) {
      const hi = keys[KEY.ids + 2 * k]!;
      if (hi < 0) continue;
      const lo = keys[KEY.ids + 2 * k + 1]!;
      ix.identifiers.add(this.key(hi, lo), r);
      ix.recordIdHi[r * 3 + k] = hi;
      ix.recordIdLo[r * 3 + k] = lo;
      held |= 1 << k;
    }
    ix.recordIdSet[r] = held;
  }

  private setIdentity(ix: SessionIndex, serial: number, child: PreparedChild, seq: number, sentAt: number): void {
    if (ix.identitySeq[serial]) ix.demographics.delete(this.key(ix.demoHi[serial]!, ix.demoLo[serial]!), serial);
    const keys = child.keys;
    ix.demographics.add(this.key(keys[KEY.demographic]!, keys[KEY.demographic + 1]!), serial);
    ix.demoHi[serial] = keys[KEY.demographic]!;
    ix.demoLo[serial] = keys[KEY.demographic + 1]!;
    ix.family[serial] = keys[KEY.family]!;
    ix.given[serial] = keys[KEY.given]!;
    ix.dob[serial] = keys[KEY.dob]!;
    ix.postcode[serial] = keys[KEY.postcode]!;
    ix.identitySeq[serial] = seq;
    ix.identitySentAt[serial] = sentAt;
  }

  // ---------------------------------------------------------------- review queue

  reviews(sessionId: string): ReviewItem[] {
    return (this.q.reviews.all(sessionId) as ReviewRow[]).map(toReview);
  }

  /** A human decides: attach the held message to an existing child, or create a new one. */
  resolveReview(session: SessionContext, reviewId: string, decision: { contactPointId?: string; createNew?: boolean }): ReviewItem {
    const ix = this.index(session.id);
    const row = this.q.review.get(session.id, reviewId) as ReviewRow | undefined;
    if (!row) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No review item ${reviewId}` });
    if (row.status !== 'open') throw CP.raise('review-open', 'path:reviewId', `${reviewId} is already resolved`);
    const target = decision.contactPointId ? this.serialOf(ix, decision.contactPointId) : 0;
    if (decision.contactPointId && !target) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No child ${decision.contactPointId}` });
    const msg = JSON.parse(row.message) as AnyMessage;
    const now = session.now().toISOString();
    const serial = decision.createNew || !target ? ix.children + 1 : target;
    const cpId = makeContactPointId(serial);
    this.q.append.run(session.id, row.client_id, 'resolve', JSON.stringify({ reviewId, messageSeq: row.message_seq, contactPointId: cpId }), null);
    this.q.resolveReview.run(JSON.stringify({ contactPointId: cpId, resolvedAt: now }), session.id, reviewId);
    this.changed(session.id);
    this.apply(ix, row.client_id, prepareMessage(row.kind as Kind, msg, { rules: false }), row.message_seq, serial);
    return toReview(this.q.review.get(session.id, reviewId) as ReviewRow);
  }

  // ---------------------------------------------------------------- source systems' own records

  sourceRecord(sessionId: string, clientId: string, sourceRecordId: string) {
    const ix = this.index(sessionId);
    const r = ix.recordsByKey.first(recordKey(clientId, 'involvement', sourceRecordId));
    const row = r >= 0 ? (this.q.row.get(ix.recordSeq[r]!) as LogRow) : undefined;
    const msg = row && row.client_id === clientId ? (JSON.parse(row.body) as InvolvementMessage) : undefined;
    if (!msg || msg.sourceRecordId !== sourceRecordId)
      throw CP.raise('own-source-record', 'path:sourceRecordId', `Your system has no source record ${sourceRecordId}`);
    return {
      sourceRecordId,
      contactPointId: makeContactPointId(ix.recordChild[r]!),
      status: 'accepted',
      lastMessageId: msg.messageId,
      sentAt: utc(msg.sentAt),
      message: msg,
    };
  }

  // ---------------------------------------------------------------- lookups

  search(session: SessionContext, viewer: Viewer, query: { familyName?: string; givenName?: string; dateOfBirth?: string; postcode?: string }) {
    const ix = this.index(session.id);
    const family = query.familyName ? nameHash(query.familyName) : undefined;
    const given = query.givenName ? nameHash(query.givenName) : undefined;
    const dob = query.dateOfBirth ? dayNumber(query.dateOfBirth) : undefined;
    const postcode = query.postcode ? normalisePostcode(query.postcode) : undefined;
    const pc = postcode ? hash52(postcode) : undefined;
    const results: Array<{ contactPointId: string; name: PersonName; dateOfBirth: string; gender: string; postcode?: string; shielded: boolean }> =
      [];
    let truncated = false;
    // A scan of the columns, in ContactPoint ID order: a few milliseconds for a million children, and
    // no search index to keep up on every ingest. Candidates are confirmed on the stored identity.
    for (let s = 1; s <= ix.children; s++) {
      if (family !== undefined && ix.family[s] !== family) continue;
      if (given !== undefined && ix.given[s] !== given) continue;
      if (dob !== undefined && ix.dob[s] !== dob) continue;
      // A shielded record is found only on its visible fields: never by address.
      if (pc !== undefined && (ix.postcode[s] !== pc || ix.shielded[s])) continue;
      const id = this.identity(ix, s);
      const held = postcodeOf(id);
      if (query.familyName && norm(id.name.family) !== norm(query.familyName)) continue;
      if (query.givenName && norm(id.name.given) !== norm(query.givenName)) continue;
      if (postcode && held !== postcode) continue;
      if (results.length === 50) {
        truncated = true;
        break;
      }
      const shielded = ix.shielded[s] === 1;
      results.push({
        contactPointId: makeContactPointId(s),
        name: id.name,
        dateOfBirth: id.dateOfBirth,
        gender: id.gender,
        ...(shielded || !held ? {} : { postcode: held }),
        shielded,
      });
    }
    this.audit(
      session,
      viewer,
      'search',
      results.map((r) => r.contactPointId),
      query,
    );
    return { results, truncated };
  }

  read(session: SessionContext, viewer: Viewer, cpId: string) {
    const ix = this.index(session.id);
    const serial = this.serialOf(ix, cpId);
    if (!serial) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No child ${cpId}` });
    this.audit(session, viewer, 'read', [cpId]);
    const id = this.identity(ix, serial);
    if (ix.shielded[serial])
      return {
        contactPointId: cpId,
        shielded: true as const,
        name: id.name,
        gender: id.gender,
        dateOfBirth: id.dateOfBirth,
        parentNames: id.parentsCarers.filter((p) => p.parentalResponsibility).map((p) => p.name),
      };
    return this.view(session, viewer.client, ix, serial, id);
  }

  /** The full record as a practitioner may see it today (by the session's clock). */
  private view(session: SessionContext, client: Client, ix: SessionIndex, serial: number, identity: ChildIdentity) {
    const cpId = makeContactPointId(serial);
    const today = isoDate(session.now());
    const seeSensitive = client.permissions.includes('lookup:sensitive');
    const involvements: Array<{
      service: ServiceType;
      contact: PractitionerContact;
      startDate: string;
      endDate?: string;
      leadProfessional: boolean;
      sourceSystem: string;
      sentAt: string;
    }> = [];
    let caf: CafIndicatorMessage | undefined;
    const records = ix
      .recordsOf(serial)
      .sort((a, b) => ix.recordSentAt[a]! - ix.recordSentAt[b]!)
      .map((r) => this.q.row.get(ix.recordSeq[r]!) as LogRow);
    // The identifiers this system sent about the child: visible only to the body that supplied them.
    const mine: Partial<Record<(typeof IDENTIFIER_KINDS)[number], string>> = {};
    for (const r of records) {
      if (r.client_id !== client.id) continue;
      const ids = (JSON.parse(r.body) as AnyMessage).child.identifiers;
      for (const k of IDENTIFIER_KINDS) if (ids[k]) mine[k] = ids[k];
    }
    for (const r of records) {
      if (r.kind === 'caf') {
        const m = JSON.parse(r.body) as CafIndicatorMessage;
        // Each system's indicators are its own records (keyed by sender and episodeRef): one system's
        // "closed" never hides another's open CAF; among the same status, the latest is shown.
        if (!caf || (m.status === 'open' && caf.status !== 'open') || (m.status === caf.status && Date.parse(m.sentAt) >= Date.parse(caf.sentAt)))
          caf = m;
        continue;
      }
      const m = JSON.parse(r.body) as InvolvementMessage;
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
        sourceSystem: this.organisationOf(session.id, r.client_id) ?? r.client_id,
        sentAt: m.sentAt,
      });
    }
    const lead = involvements
      .filter((i) => i.leadProfessional && (!i.endDate || i.endDate >= today))
      .sort((a, b) => Date.parse(b.sentAt) - Date.parse(a.sentAt))[0];
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
      ...(Object.keys(mine).length ? { identifiers: mine } : {}),
      involvements: involvements.map(({ sentAt: _s, ...rest }) => rest),
      ...(lead ? { leadProfessional: lead.contact } : {}),
      ...(caf ? { cafIndicator: { exists: true as const, status: caf.status, assessor: caf.assessor, completedOn: caf.completedOn } } : {}),
    };
  }

  /** A local authority has shielded the child. */
  isShielded(sessionId: string, cpId: string): boolean {
    const ix = this.index(sessionId);
    const serial = this.serialOf(ix, cpId);
    return serial > 0 && ix.shielded[serial] === 1;
  }

  /** The client holds a source record of its own (involvement or CAF indicator) on this child. */
  hasRecordFrom(sessionId: string, cpId: string, clientId: string): boolean {
    const ix = this.index(sessionId);
    const serial = this.serialOf(ix, cpId);
    if (!serial) return false;
    return ix.recordsOf(serial).some((r) => (this.q.row.get(ix.recordSeq[r]!) as LogRow).client_id === clientId);
  }

  setShielded(session: SessionContext, cpId: string, shielded: boolean): void {
    const ix = this.index(session.id);
    const serial = this.serialOf(ix, cpId);
    if (!serial) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No child ${cpId}` });
    (shielded ? this.q.shield : this.q.unshield).run(session.id, serial);
    this.changed(session.id);
    ix.shielded[serial] = shielded ? 1 : 0;
  }

  private audit(session: SessionContext, viewer: Viewer, operation: 'search' | 'read', ids: string[], query?: Record<string, string>): void {
    const entry: AuditEntry = {
      at: session.now().toISOString(),
      clientId: viewer.client.id,
      practitionerId: viewer.practitionerId,
      operation,
      contactPointIds: ids,
      ...(query ? { query } : {}),
    };
    this.q.insertAudit.run(session.id, JSON.stringify(entry));
  }

  auditLog(sessionId: string): AuditEntry[] {
    return (this.q.audit.all(sessionId) as Array<{ entry: string }>).map((r) => JSON.parse(r.entry) as AuditEntry);
  }

  /** For the harness and tests: every child held, by ContactPoint ID. */
  children(sessionId: string): Array<{ contactPointId: string; identity: ChildIdentity; shielded: boolean }> {
    const ix = this.index(sessionId);
    const out: Array<{ contactPointId: string; identity: ChildIdentity; shielded: boolean }> = [];
    for (let s = 1; s <= ix.children; s++)
      out.push({ contactPointId: makeContactPointId(s), identity: this.identity(ix, s), shielded: ix.shielded[s] === 1 });
    return out;
  }
}

/** The serial in a ContactPoint ID (CP + 9 digits + check letter); NaN-free: 0 when malformed. */
function serialOfId(cpId: string): number {
  const n = Number(cpId.slice(2, 11));
  return Number.isInteger(n) ? n : 0;
}

type ReviewRow = {
  review_id: string;
  client_id: string;
  kind: string;
  message_seq: number;
  message: string;
  reason: string;
  candidates: string;
  status: string;
  resolution: string | null;
  created_at: string;
};

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

export type { PersonName };
