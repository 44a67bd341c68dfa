/**
 * National eCAF: plain domain code over SQLite, with no HTTP in it. Practitioners reach an episode
 * only as members of its Team Around the Child and only while consent in force shares it with their
 * agency; every access is audited; every change to an episode tells ContactPoint that a CAF exists
 * (and whom to contact) in the same transaction. Each refusal names the rule and requirement.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { isStorageFull, type Store } from '../../../src/platform/store.js';
import { ProblemError } from '../../../src/platform/problem.js';
import type { Finding } from '../../../src/platform/rules.js';
import { ECAF, MIGRATION_EPISODE_FIELDS, type EcafRuleId } from '../rules.js';
import { ageOn, isoDate } from '../../../src/platform/clock.js';
import type { Client, SessionContext } from '../../../src/platform/sessions.js';
import type { ChildIdentity, PractitionerContact } from '../../../src/platform/schemas/common.js';
import type { CafIndicatorMessage, Receipt } from '../../contactpoint/schemas.js';
import {
  INFORMATION,
  SOCIAL_CARE_ROLES,
  type ActionInput,
  type Agency,
  type AssessmentInput,
  type AuditEntry,
  type CloseRequest,
  type ConsentInput,
  type ConsentWithdrawalInput,
  type Episode,
  type EpisodeEventKind,
  type EpisodeView,
  type ExchangeEpisode,
  type ExportRequest,
  type HeldEpisode,
  type Information,
  type MigrationBatch,
  type MigrationResult,
  type OpenEpisodeRequest,
  type Origin,
  type ProgressInput,
  type ReferralRequest,
  type ReopenRequest,
  type ResponsibilityRequest,
  type ReviewInput,
  type SendMessageRequest,
  type StepDownRequest,
  type TacMember,
  type TacMemberInput,
  type TacMessage,
  type TransferReceipt,
  type TransferRequest,
  ExchangeEpisode as ExchangeEpisodeSchema,
} from '../schemas.js';
import { checkAssessment, checkChild, checkConsent, checkMember, checkReview, checkWithdrawal, throwIfAny } from './checks.js';
import { checkExchangeEpisode, consentGaps, fromExchange, toExchange, isSocialCareRole } from './exchange.js';
import { assertValid } from '../../../src/platform/validate.js';

/** Who is calling: a client, and for practitioner operations the practitioner (Practitioner-Id). */
export interface Actor {
  client: Client;
  practitionerId?: string;
}

/** What National eCAF needs of ContactPoint: its ingest, called in the same session and transaction. */
export interface CafIndicatorSink {
  ingest(session: SessionContext, client: Client, kind: 'caf', msg: CafIndicatorMessage): { receipt: Receipt; repeat: boolean };
  /** The client holds a source record of its own on this child: the child is on that system's caseload. */
  hasRecordFrom?(sessionId: string, contactPointId: string, clientId: string): boolean;
  /** A local authority has shielded the child on ContactPoint (docs/interface/contactpoint.md#shielding). */
  isShielded?(sessionId: string, contactPointId: string): boolean;
}

export const NATIONAL_ECAF_CLIENT_ID = 'national-ecaf';

/** A shielded child as an export carries them: no address, no contact details, no school. */
function withoutWhereabouts(child: ExchangeEpisode['child']): ExchangeEpisode['child'] {
  const { school: _school, ...rest } = child;
  return { ...rest, residence: { status: 'no-known-address' }, parentsCarers: child.parentsCarers.map((p) => ({ ...p, contact: {} })) };
}

function notMember(actor: Actor, episodeId: string): ProblemError {
  return ECAF.raise('tac-member', 'header:practitioner-id', `${actor.practitionerId} is not a member of the Team Around the Child for ${episodeId}`);
}

/** What an unknown episode ID gets, and what a system that may not see an episode gets instead: the same. */
function notFound(episodeId: string): ProblemError {
  return ECAF.raise('episode-exists', 'path:episodeId', `No episode ${episodeId}`);
}

/** National eCAF as a ContactPoint source system: fixed, in-process, never a token holder. */
export function nationalEcafClient(sessionId: string): Client {
  return { id: NATIONAL_ECAF_CLIENT_ID, name: 'National eCAF', organisation: 'National eCAF', permissions: ['caf-indicator:write'], sessionId };
}

type HoldRow = {
  hold_id: string;
  client_id: string;
  batch_id: string;
  local_ref: string;
  status: 'held' | 'released';
  held_at: string;
  episode: string;
  released_episode_id: string | null;
};

const DAY_MS = 86_400_000;
const ALL_INFORMATION = new Set<Information>(INFORMATION);

function hashBody(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url');
}

export class NationalEcaf {
  private readonly db: Database.Database;
  private readonly auditSeqs = new Map<string, number>();
  private pendingAudit: Array<{ sessionId: string; entry: AuditEntry }> = [];
  private auditScheduled = false;
  private readonly q;

  constructor(
    private readonly store: Store,
    private readonly contactPoint: CafIndicatorSink,
  ) {
    this.db = store.db;
    store.exec(`
      CREATE TABLE IF NOT EXISTS ecaf_episodes (session_id TEXT NOT NULL, episode_id TEXT NOT NULL, status TEXT NOT NULL, open_since TEXT NOT NULL,
        doc TEXT NOT NULL, PRIMARY KEY (session_id, episode_id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS ecaf_episodes_open ON ecaf_episodes (session_id, status, open_since);
      CREATE TABLE IF NOT EXISTS ecaf_members (session_id TEXT NOT NULL, practitioner_id TEXT NOT NULL, episode_id TEXT NOT NULL,
        PRIMARY KEY (session_id, practitioner_id, episode_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ecaf_messages (session_id TEXT NOT NULL, episode_id TEXT NOT NULL, seq INTEGER NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (session_id, episode_id, seq)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ecaf_origins (session_id TEXT NOT NULL, client_id TEXT NOT NULL, local_ref TEXT NOT NULL, episode_id TEXT, hold_id TEXT,
        PRIMARY KEY (session_id, client_id, local_ref)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ecaf_transfers (session_id TEXT NOT NULL, client_id TEXT NOT NULL, message_id TEXT NOT NULL, body_hash TEXT NOT NULL,
        receipt TEXT NOT NULL, PRIMARY KEY (session_id, client_id, message_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ecaf_holds (session_id TEXT NOT NULL, hold_id TEXT NOT NULL, client_id TEXT NOT NULL, batch_id TEXT NOT NULL,
        local_ref TEXT NOT NULL, status TEXT NOT NULL, held_at TEXT NOT NULL, episode TEXT NOT NULL, released_episode_id TEXT,
        PRIMARY KEY (session_id, hold_id)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ecaf_audit (session_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (session_id, seq)) WITHOUT ROWID;
    `);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      episode: p('SELECT doc FROM ecaf_episodes WHERE session_id = ? AND episode_id = ?'),
      upsertEpisode: p(`INSERT INTO ecaf_episodes (session_id, episode_id, status, open_since, doc) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (session_id, episode_id) DO UPDATE SET status = excluded.status, open_since = excluded.open_since, doc = excluded.doc`),
      allEpisodes: p('SELECT doc FROM ecaf_episodes WHERE session_id = ? ORDER BY episode_id'),
      longOpen: p("SELECT doc FROM ecaf_episodes WHERE session_id = ? AND status = 'open' AND open_since < ? ORDER BY open_since, episode_id"),
      deleteMembers: p('DELETE FROM ecaf_members WHERE session_id = ? AND episode_id = ?'),
      insertMember: p('INSERT OR IGNORE INTO ecaf_members (session_id, practitioner_id, episode_id) VALUES (?, ?, ?)'),
      episodesOf: p(`SELECT e.doc FROM ecaf_members m JOIN ecaf_episodes e ON e.session_id = m.session_id AND e.episode_id = m.episode_id
        WHERE m.session_id = ? AND m.practitioner_id = ? ORDER BY e.episode_id`),
      maxMessage: p('SELECT MAX(seq) AS n FROM ecaf_messages WHERE session_id = ? AND episode_id = ?'),
      insertMessage: p('INSERT INTO ecaf_messages (session_id, episode_id, seq, doc) VALUES (?, ?, ?, ?)'),
      messages: p('SELECT doc FROM ecaf_messages WHERE session_id = ? AND episode_id = ? ORDER BY seq'),
      origin: p('SELECT episode_id, hold_id FROM ecaf_origins WHERE session_id = ? AND client_id = ? AND local_ref = ?'),
      upsertOrigin: p(`INSERT INTO ecaf_origins (session_id, client_id, local_ref, episode_id, hold_id) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (session_id, client_id, local_ref) DO UPDATE SET episode_id = excluded.episode_id, hold_id = excluded.hold_id`),
      transfer: p('SELECT body_hash, receipt FROM ecaf_transfers WHERE session_id = ? AND client_id = ? AND message_id = ?'),
      insertTransfer: p('INSERT INTO ecaf_transfers (session_id, client_id, message_id, body_hash, receipt) VALUES (?, ?, ?, ?, ?)'),
      hold: p('SELECT * FROM ecaf_holds WHERE session_id = ? AND hold_id = ?'),
      holdsOf: p('SELECT * FROM ecaf_holds WHERE session_id = ? AND client_id = ? ORDER BY held_at, hold_id'),
      allHolds: p('SELECT * FROM ecaf_holds WHERE session_id = ? ORDER BY held_at, hold_id'),
      insertHold: p(`INSERT INTO ecaf_holds (session_id, hold_id, client_id, batch_id, local_ref, status, held_at, episode)
        VALUES (?, ?, ?, ?, ?, 'held', ?, ?)`),
      updateHold: p('UPDATE ecaf_holds SET status = ?, episode = ?, released_episode_id = ? WHERE session_id = ? AND hold_id = ?'),
      maxAudit: p('SELECT MAX(seq) AS n FROM ecaf_audit WHERE session_id = ?'),
      insertAudit: p('INSERT INTO ecaf_audit (session_id, seq, entry) VALUES (?, ?, ?)'),
      audit: p('SELECT entry FROM ecaf_audit WHERE session_id = ? ORDER BY seq'),
    };
  }

  /** Wipes one session's National eCAF (control API reset). */
  reset(sessionId: string): void {
    for (const t of ['ecaf_episodes', 'ecaf_members', 'ecaf_messages', 'ecaf_origins', 'ecaf_transfers', 'ecaf_holds', 'ecaf_audit'])
      this.db.prepare(`DELETE FROM ${t} WHERE session_id = ?`).run(sessionId);
    this.auditSeqs.delete(sessionId);
    this.pendingAudit = this.pendingAudit.filter((p) => p.sessionId !== sessionId);
  }

  // ------------------------------------------------------------------------------------------ audit

  /**
   * Runs one access and audits it, granted or refused. A refusal inside a mutating request is rolled
   * back with the request's savepoint, so its audit entry is written after the transaction instead.
   */
  private audited<T>(
    session: SessionContext,
    actor: Actor,
    operation: string,
    target: { episodeId?: string; holdId?: string },
    fn: () => T,
    /** The episode an access created, when the target had none yet (opening, transfer, release). */
    created?: (result: T) => string | undefined,
  ): T {
    const base = {
      at: session.now().toISOString(),
      clientId: actor.client.id,
      ...(actor.practitionerId ? { practitionerId: actor.practitionerId } : {}),
      operation,
      ...(target.episodeId ? { episodeId: target.episodeId } : {}),
      ...(target.holdId ? { holdId: target.holdId } : {}),
    };
    let result: T;
    try {
      result = fn();
    } catch (err) {
      if (err instanceof ProblemError) {
        const first = err.problem.errors?.[0];
        this.audit(
          session.id,
          {
            ...base,
            outcome: 'refused',
            status: err.problem.status,
            ...(first ? { rule: first.rule } : {}),
            ...((first?.requirement ?? err.problem.requirement) ? { requirement: first?.requirement ?? err.problem.requirement } : {}),
          },
          true,
        );
      }
      throw err;
    }
    const episodeId = target.episodeId ?? created?.(result);
    this.audit(session.id, { ...base, ...(episodeId ? { episodeId } : {}), outcome: 'granted' }, false);
    return result;
  }

  private audit(sessionId: string, e: Omit<AuditEntry, 'seq'>, refused: boolean): void {
    let seq = this.auditSeqs.get(sessionId);
    if (seq === undefined) seq = (this.q.maxAudit.get(sessionId) as { n: number | null }).n ?? 0;
    seq++;
    this.auditSeqs.set(sessionId, seq);
    const entry: AuditEntry = { seq, ...e };
    if (refused && this.db.inTransaction) {
      this.pendingAudit.push({ sessionId, entry });
      if (!this.auditScheduled) {
        this.auditScheduled = true;
        setImmediate(() => this.flushAudit());
      }
      return;
    }
    this.q.insertAudit.run(sessionId, seq, JSON.stringify(entry));
  }

  /** Writes refusals queued during a transaction; runs once the transaction is over. */
  flushAudit(): void {
    this.auditScheduled = false;
    if (this.pendingAudit.length === 0 || !this.db.open) return;
    const batch = this.pendingAudit;
    this.pendingAudit = [];
    try {
      this.store.tx(() => {
        for (const { sessionId, entry } of batch) this.q.insertAudit.run(sessionId, entry.seq, JSON.stringify(entry));
      });
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      // A full disk must not end the server: kept, and written with the next refusal once there is space.
      this.pendingAudit = batch.concat(this.pendingAudit);
    }
  }

  auditLog(sessionId: string, filter: { episodeId?: string } = {}): AuditEntry[] {
    if (!this.db.inTransaction) this.flushAudit();
    const all = (this.q.audit.all(sessionId) as Array<{ entry: string }>).map((r) => JSON.parse(r.entry) as AuditEntry);
    return filter.episodeId ? all.filter((e) => e.episodeId === filter.episodeId) : all;
  }

  // ------------------------------------------------------------------------------------------ storage

  private load(sessionId: string, episodeId: string): Episode {
    const row = this.q.episode.get(sessionId, episodeId) as { doc: string } | undefined;
    if (!row) throw notFound(episodeId);
    return JSON.parse(row.doc) as Episode;
  }

  /**
   * An episode for a practitioner: one that does not exist is refused exactly as one they are not a
   * member of, so a practitioner cannot learn which episode IDs exist.
   */
  private loadAs(sessionId: string, actor: Actor, episodeId: string): Episode {
    const row = this.q.episode.get(sessionId, episodeId) as { doc: string } | undefined;
    if (!row) throw notMember(actor, episodeId);
    return JSON.parse(row.doc) as Episode;
  }

  private save(sessionId: string, ep: Episode): void {
    this.q.upsertEpisode.run(sessionId, ep.episodeId, ep.status, ep.openSince, JSON.stringify(ep));
    this.q.deleteMembers.run(sessionId, ep.episodeId);
    for (const m of ep.tac) if (!m.leftAt) this.q.insertMember.run(sessionId, m.practitionerId, ep.episodeId);
  }

  private nextEpisodeId(session: SessionContext): string {
    // The serial is drawn at random, so one ID says nothing of the next: sequential IDs let a
    // system find every episode by counting.
    const year = session.now().getUTCFullYear();
    for (;;) {
      const id = `ECAF.EP.${year}.${String(randomInt(1, 1_000_000)).padStart(6, '0')}`;
      if (!this.q.episode.get(session.id, id)) return id;
    }
  }

  // ------------------------------------------------------------------------------------------ access

  private activeMember(ep: Episode, practitionerId: string | undefined): TacMember | undefined {
    return ep.tac.find((m) => m.practitionerId === practitionerId && !m.leftAt);
  }

  /** The parts of the CAF that consent in force shares with an agency. */
  private coverage(ep: Episode, agency: Agency): Set<Information> {
    const out = new Set<Information>();
    for (const c of ep.consents) {
      if (c.withdrawal) continue;
      for (const s of c.sharing) if (s.agency === agency) for (const i of s.information) out.add(i);
    }
    return out;
  }

  private requireMember(ep: Episode, actor: Actor): TacMember {
    const m = this.activeMember(ep, actor.practitionerId);
    if (!m) throw notMember(actor, ep.episodeId);
    return m;
  }

  /** A current TAC member whose agency consent in force covers (and covers `need`, when given). */
  private requireAccess(ep: Episode, actor: Actor, need?: Information): TacMember {
    const m = this.requireMember(ep, actor);
    const covered = this.coverage(ep, m.agency);
    if (covered.size === 0)
      throw ECAF.raise('consent-in-force', 'header:practitioner-id', `no consent in force shares ${ep.episodeId} with ${m.agency}`);
    if (need && !covered.has(need))
      throw ECAF.raise('consent-covers-information', 'header:practitioner-id', `consent does not share the ${need} with ${m.agency}`);
    return m;
  }

  private requireOpen(ep: Episode, step: string): void {
    if (ep.status !== 'open') throw ECAF.raise('episode-open', '', `${ep.episodeId} is closed: ${step} needs an open episode (reopen it first)`);
  }

  private requireCovered(ep: Episode, agency: Agency, path: string): void {
    if (this.coverage(ep, agency).size === 0)
      throw ECAF.raise('member-consent-covers-agency', path, `no consent in force shares ${ep.episodeId} with ${agency}`);
  }

  /** The lead professional, or the episode co-ordinator while there is none, may act for the team. */
  private leads(ep: Episode, m: TacMember): boolean {
    return ep.leadProfessional ? ep.leadProfessional === m.practitionerId : m.role === 'episode-coordinator';
  }

  // ------------------------------------------------------------------------------------------ views

  /** The episode as a practitioner of `agency` may see it: parts consent does not share are withheld. */
  private view(ep: Episode, agency?: Agency, sessionId?: string): EpisodeView {
    const covered = agency ? this.coverage(ep, agency) : ALL_INFORMATION;
    const { assessment, deliveryPlan, reviews, ...rest } = ep;
    // Shielding holds for practitioners too: what would find the child (address, contacts, school) is not shown.
    const cpId = ep.contactPoint?.contactPointId;
    if (sessionId && cpId && this.contactPoint.isShielded?.(sessionId, cpId))
      Object.assign(rest, { child: withoutWhereabouts(ep.child), shielded: true });
    const latest = [...reviews].sort((a, b) => a.date.localeCompare(b.date) || a.reviewId.localeCompare(b.reviewId)).pop();
    return {
      ...rest,
      ...(assessment && covered.has('assessment') ? { assessment } : {}),
      ...(covered.has('delivery-plan') ? { deliveryPlan } : {}),
      ...(covered.has('reviews')
        ? { reviews, ...(latest?.outcome.kind === 'next-review' ? { nextReviewOn: latest.outcome.nextReviewOn } : {}) }
        : {}),
      withheld: INFORMATION.filter((i) => !covered.has(i)),
      socialCareResponsibility: ep.socialCare?.state === 'social-care-responsibility',
    };
  }

  private by(actor: Actor): string {
    return actor.practitionerId ?? `client:${actor.client.id}`;
  }

  private event(session: SessionContext, ep: Episode, by: string, event: EpisodeEventKind, detail?: string): void {
    ep.events.push({ at: session.now().toISOString(), by, event, ...(detail ? { detail } : {}) });
  }

  /** Stores a changed episode and tells ContactPoint (ECAF-CPIND-001), all in the caller's transaction. */
  private commitChange(session: SessionContext, ep: Episode): void {
    ep.lastUpdatedAt = session.now().toISOString();
    this.sendIndicator(session, ep);
    this.save(session.id, ep);
  }

  /**
   * The CAF indicator: that a common assessment exists, its status, and whom to contact (whoever
   * completed or last updated the assessment). Nothing of the content.
   */
  private sendIndicator(session: SessionContext, ep: Episode): void {
    const now = session.now();
    const today = isoDate(now);
    if (ep.child.dateOfBirth > today || ageOn(ep.child.dateOfBirth, today) >= 18) {
      ep.contactPoint = { sentAt: now.toISOString(), status: 'not-sent', reason: 'ContactPoint holds children up to their 18th birthday' };
      return;
    }
    const msg: CafIndicatorMessage = {
      messageId: randomUUID(),
      episodeRef: ep.episodeId,
      sentAt: now.toISOString(),
      child: ep.child,
      status: ep.status,
      assessor: this.assessorContact(ep),
      completedOn: ep.assessment?.lastUpdatedOn ?? ep.openedAt.slice(0, 10),
    };
    const { receipt } = this.contactPoint.ingest(session, nationalEcafClient(session.id), 'caf', msg);
    ep.contactPoint = {
      sentAt: msg.sentAt,
      status: receipt.status,
      ...(receipt.contactPointId ? { contactPointId: receipt.contactPointId } : {}),
      ...(receipt.reviewId ? { reviewId: receipt.reviewId } : {}),
    };
  }

  private assessorContact(ep: Episode): PractitionerContact {
    const find = (id: string | undefined) => (id ? ep.tac.find((m) => m.practitionerId === id) : undefined);
    const m =
      find(ep.assessment?.assessedBy) ??
      ep.tac.find((t) => t.role === 'episode-coordinator') ??
      find(ep.leadProfessional) ??
      ep.tac.find((t) => !t.leftAt) ??
      ep.tac[0]!;
    return m.contact;
  }

  // ------------------------------------------------------------------------------------------ practitioners: episodes

  /** ECAF-EPISODE-001, ECAF-CONSENT-001: log a new episode; the caller becomes its co-ordinator. */
  openEpisode(session: SessionContext, actor: Actor, req: OpenEpisodeRequest): EpisodeView {
    return this.audited(
      session,
      actor,
      'openEpisode',
      {},
      () => {
        const today = isoDate(session.now());
        const pid = actor.practitionerId!;
        const coordinator = {
          practitionerId: pid,
          contact: req.practitioner.contact,
          agency: req.practitioner.agency,
          role: 'episode-coordinator' as const,
        };
        throwIfAny([
          ...checkChild(req.child, today, '/child', true),
          ...checkConsent(req.consent, today, '/consent'),
          ...checkMember(coordinator, '/practitioner'),
          ...(req.assessment ? checkAssessment(req.assessment, req.child, today, '/assessment') : []),
        ]);
        if (!req.consent.sharing.some((s) => s.agency === req.practitioner.agency))
          throw ECAF.raise(
            'open-consent-covers-agency',
            '/consent/sharing',
            `the consent given does not share the CAF with the practitioner's own agency (${req.practitioner.agency})`,
          );
        const now = session.now().toISOString();
        const ep: Episode = {
          episodeId: this.nextEpisodeId(session),
          status: 'open',
          child: req.child,
          openedAt: now,
          openSince: now,
          lastUpdatedAt: now,
          origin: { kind: 'opened', by: pid },
          consents: [{ consentId: 'C1', ...req.consent, recordedAt: now, recordedBy: pid }],
          tac: [{ ...coordinator, joinedAt: now, addedBy: pid }],
          ...(req.assessment ? { assessment: { ...req.assessment, assessedBy: pid, lastUpdatedOn: today } } : {}),
          deliveryPlan: [],
          reviews: [],
          events: [{ at: now, by: pid, event: 'opened' }],
          exports: [],
        };
        this.commitChange(session, ep);
        return this.view(ep, coordinator.agency, session.id);
      },
      (v) => v.episodeId,
    );
  }

  getEpisode(session: SessionContext, actor: Actor, episodeId: string): EpisodeView {
    return this.audited(session, actor, 'getEpisode', { episodeId }, () => {
      const ep = this.loadAs(session.id, actor, episodeId);
      const me = this.requireAccess(ep, actor);
      return this.view(ep, me.agency, session.id);
    });
  }

  /** The practitioner's own episodes: those whose TAC they are on and that consent shares with their agency. */
  listEpisodes(session: SessionContext, actor: Actor) {
    return this.audited(session, actor, 'listMyEpisodes', {}, () => {
      const episodes = (this.q.episodesOf.all(session.id, actor.practitionerId) as Array<{ doc: string }>)
        .map((r) => JSON.parse(r.doc) as Episode)
        .flatMap((ep) => {
          const me = this.activeMember(ep, actor.practitionerId);
          if (!me || this.coverage(ep, me.agency).size === 0) return [];
          return [
            {
              episodeId: ep.episodeId,
              status: ep.status,
              child: { name: ep.child.name, dateOfBirth: ep.child.dateOfBirth },
              myRole: me.role,
              ...(ep.leadProfessional ? { leadProfessional: ep.leadProfessional } : {}),
              socialCareResponsibility: ep.socialCare?.state === 'social-care-responsibility',
              openSince: ep.openSince,
              lastUpdatedAt: ep.lastUpdatedAt,
            },
          ];
        });
      return { episodes };
    });
  }

  /** Runs a change to one episode as a current TAC member, then stores it and updates ContactPoint. */
  private change(
    session: SessionContext,
    actor: Actor,
    operation: string,
    episodeId: string,
    fn: (ep: Episode, me: TacMember) => { event: EpisodeEventKind; detail?: string },
    access: (ep: Episode) => TacMember,
  ): EpisodeView {
    return this.audited(session, actor, operation, { episodeId }, () => {
      const ep = this.loadAs(session.id, actor, episodeId);
      const me = access(ep);
      const done = fn(ep, me);
      this.event(session, ep, this.by(actor), done.event, done.detail);
      this.commitChange(session, ep);
      return this.view(ep, me.agency, session.id);
    });
  }

  /** ECAF-EPISODE-003: superseded child details; ContactPoint gets them with the indicator. */
  updateChild(session: SessionContext, actor: Actor, episodeId: string, child: ChildIdentity): EpisodeView {
    return this.change(
      session,
      actor,
      'updateEpisodeChild',
      episodeId,
      (ep) => {
        this.requireOpen(ep, 'updating the child');
        throwIfAny(checkChild(child, isoDate(session.now()), '', true));
        ep.child = child;
        return { event: 'child-updated' };
      },
      (ep) => this.requireAccess(ep, actor),
    );
  }

  /** ECAF-ASSESS-001..003: the assessment, replaced whole; its author becomes the contact ContactPoint shows. */
  putAssessment(session: SessionContext, actor: Actor, episodeId: string, a: AssessmentInput): EpisodeView {
    return this.change(
      session,
      actor,
      'putAssessment',
      episodeId,
      (ep) => {
        this.requireOpen(ep, 'updating the assessment');
        const today = isoDate(session.now());
        throwIfAny(checkAssessment(a, ep.child, today, ''));
        ep.assessment = { ...a, assessedBy: actor.practitionerId!, lastUpdatedOn: today };
        return { event: 'assessment-updated' };
      },
      (ep) => this.requireAccess(ep, actor, 'assessment'),
    );
  }

  // ------------------------------------------------------------------------------------------ consent

  /** ECAF-CONSENT-004: any current TAC member records consent, even while none is in force (that is how access returns). */
  recordConsent(session: SessionContext, actor: Actor, episodeId: string, c: ConsentInput): EpisodeView {
    return this.change(
      session,
      actor,
      'recordConsent',
      episodeId,
      (ep) => {
        throwIfAny(checkConsent(c, isoDate(session.now()), ''));
        const consentId = `C${ep.consents.length + 1}`;
        ep.consents.push({ consentId, ...c, recordedAt: session.now().toISOString(), recordedBy: this.by(actor) });
        return { event: 'consent-recorded', detail: `${consentId}: ${c.sharing.map((s) => s.agency).join(', ')}` };
      },
      (ep) => this.requireMember(ep, actor),
    );
  }

  /** ECAF-CONSENT-003/004: withdrawal takes effect at once: agencies no longer covered lose access. */
  withdrawConsent(session: SessionContext, actor: Actor, episodeId: string, consentId: string, w: ConsentWithdrawalInput): EpisodeView {
    return this.change(
      session,
      actor,
      'withdrawConsent',
      episodeId,
      (ep) => {
        const c = ep.consents.find((x) => x.consentId === consentId);
        if (!c) throw ECAF.raise('consent-exists', 'path:consentId', `${episodeId} has no consent ${consentId}`);
        if (c.withdrawal) throw ECAF.raise('withdrawn-once', 'path:consentId', `${consentId} was already withdrawn on ${c.withdrawal.withdrawnOn}`);
        throwIfAny(checkWithdrawal(w.withdrawnOn, c.givenOn, isoDate(session.now()), '/withdrawnOn'));
        c.withdrawal = {
          withdrawnOn: w.withdrawnOn,
          recordedAt: session.now().toISOString(),
          recordedBy: this.by(actor),
          ...(w.note ? { note: w.note } : {}),
        };
        return { event: 'consent-withdrawn', detail: consentId };
      },
      (ep) => this.requireMember(ep, actor),
    );
  }

  // ------------------------------------------------------------------------------------------ TAC

  private join(session: SessionContext, actor: Actor, ep: Episode, m: TacMemberInput, path: string): void {
    throwIfAny(checkMember(m, path));
    if (this.activeMember(ep, m.practitionerId))
      throw ECAF.raise('member-once', `${path}/practitionerId`, `${m.practitionerId} is already on the TAC`);
    this.requireCovered(ep, m.agency, `${path}/agency`);
    ep.tac.push({ ...m, joinedAt: session.now().toISOString(), addedBy: this.by(actor) });
  }

  /** ECAF-CONSENT-002, ECAF-TAC-001/002/004. */
  addTacMember(session: SessionContext, actor: Actor, episodeId: string, m: TacMemberInput): EpisodeView {
    return this.change(
      session,
      actor,
      'addTacMember',
      episodeId,
      (ep) => {
        this.requireOpen(ep, 'adding a TAC member');
        this.join(session, actor, ep, m, '');
        return { event: 'tac-joined', detail: `${m.practitionerId} (${m.agency}, ${m.role})` };
      },
      (ep) => this.requireAccess(ep, actor),
    );
  }

  /** ECAF-TAC-003/005: members leave themselves or are removed by the lead; the lead and the last member stay. */
  removeTacMember(session: SessionContext, actor: Actor, episodeId: string, practitionerId: string): EpisodeView {
    return this.change(
      session,
      actor,
      'removeTacMember',
      episodeId,
      (ep, me) => {
        const target = this.activeMember(ep, practitionerId);
        if (!target) throw ECAF.raise('removed-member', 'path:practitionerId', `${practitionerId} is not on the TAC`);
        if (target !== me && !this.leads(ep, me))
          throw ECAF.raise(
            'lead-removes-members',
            'path:practitionerId',
            'members leave the TAC themselves, or are removed by the lead professional (or the episode co-ordinator while there is no lead)',
          );
        if (ep.leadProfessional === practitionerId)
          throw ECAF.raise(
            'lead-professional-stays',
            'path:practitionerId',
            `${practitionerId} is the lead professional: record another lead professional first`,
          );
        if (ep.tac.filter((t) => !t.leftAt).length === 1)
          throw ECAF.raise('last-member', 'path:practitionerId', 'the last TAC member cannot leave: close the episode instead');
        target.leftAt = session.now().toISOString();
        target.removedBy = this.by(actor);
        return { event: 'tac-left', detail: practitionerId };
      },
      (ep) => this.requireMember(ep, actor),
    );
  }

  /** ECAF-TAC-003: the lead professional is a current TAC member. */
  setLeadProfessional(session: SessionContext, actor: Actor, episodeId: string, practitionerId: string): EpisodeView {
    return this.change(
      session,
      actor,
      'setLeadProfessional',
      episodeId,
      (ep) => {
        this.requireOpen(ep, 'recording the lead professional');
        if (!this.activeMember(ep, practitionerId))
          throw ECAF.raise('lead-is-member', '/practitionerId', `${practitionerId} is not a current TAC member`);
        ep.leadProfessional = practitionerId;
        return { event: 'lead-professional', detail: practitionerId };
      },
      (ep) => this.requireAccess(ep, actor),
    );
  }

  // ------------------------------------------------------------------------------------------ delivery plan and reviews

  /** ECAF-PLAN-001. */
  addAction(session: SessionContext, actor: Actor, episodeId: string, a: ActionInput): EpisodeView {
    return this.change(
      session,
      actor,
      'addAction',
      episodeId,
      (ep) => {
        this.requireOpen(ep, 'adding an action');
        if (a.responsible.kind === 'tac-member' && !this.activeMember(ep, a.responsible.practitionerId))
          throw ECAF.raise('responsible-is-member', '/responsible/practitionerId', `${a.responsible.practitionerId} is not a current TAC member`);
        const actionId = `A${ep.deliveryPlan.length + 1}`;
        const now = session.now().toISOString();
        ep.deliveryPlan.push({ actionId, ...a, status: 'not-started', progress: [], addedAt: now, addedBy: this.by(actor) });
        return { event: 'action-added', detail: actionId };
      },
      (ep) => this.requireAccess(ep, actor, 'delivery-plan'),
    );
  }

  /** ECAF-PLAN-002: progress comes from whoever is responsible, or the lead professional. */
  recordProgress(session: SessionContext, actor: Actor, episodeId: string, actionId: string, p: ProgressInput): EpisodeView {
    return this.change(
      session,
      actor,
      'recordActionProgress',
      episodeId,
      (ep, me) => {
        this.requireOpen(ep, 'recording progress');
        const a = ep.deliveryPlan.find((x) => x.actionId === actionId);
        if (!a) throw ECAF.raise('action-exists', 'path:actionId', `${episodeId} has no action ${actionId}`);
        const owner = a.responsible.kind === 'tac-member' ? a.responsible.practitionerId : undefined;
        if (owner !== me.practitionerId && !this.leads(ep, me))
          throw ECAF.raise(
            'action-owner',
            'path:actionId',
            `${actionId} belongs to ${owner ?? 'the family'}: only they or the lead professional record its progress`,
          );
        a.status = p.status;
        if (p.outcome) a.outcome = p.outcome;
        a.progress.push({ at: session.now().toISOString(), by: me.practitionerId, status: p.status, note: p.note });
        return { event: 'action-progress', detail: `${actionId}: ${p.status}` };
      },
      (ep) => this.requireAccess(ep, actor, 'delivery-plan'),
    );
  }

  /** ECAF-REVIEW-001/002. Recommending closure does not close the episode (ECAF-LIFE-003). */
  recordReview(session: SessionContext, actor: Actor, episodeId: string, r: ReviewInput): EpisodeView {
    return this.change(
      session,
      actor,
      'recordReview',
      episodeId,
      (ep) => {
        this.requireOpen(ep, 'recording a review');
        throwIfAny(checkReview(r, isoDate(session.now()), ''));
        const reviewId = `R${ep.reviews.length + 1}`;
        ep.reviews.push({ reviewId, ...r, recordedAt: session.now().toISOString(), recordedBy: this.by(actor) });
        return { event: 'review-recorded', detail: reviewId };
      },
      (ep) => this.requireAccess(ep, actor, 'reviews'),
    );
  }

  // ------------------------------------------------------------------------------------------ messages

  /** ECAF-MSG-001: messages go between current TAC members whose agencies consent covers. */
  sendMessage(session: SessionContext, actor: Actor, episodeId: string, m: SendMessageRequest): TacMessage {
    return this.audited(session, actor, 'sendTacMessage', { episodeId }, () => {
      const ep = this.loadAs(session.id, actor, episodeId);
      const me = this.requireAccess(ep, actor);
      const errors: Array<Finding<EcafRuleId>> = [];
      m.to.forEach((to, i) => {
        const r = this.activeMember(ep, to);
        if (!r) errors.push(ECAF.finding('recipient-tac-member', `/to/${i}`, `${to} is not a current TAC member`));
        else if (this.coverage(ep, r.agency).size === 0)
          throw ECAF.raise('recipient-consent-covers-agency', `/to/${i}`, `no consent in force shares ${episodeId} with ${r.agency} (${to})`);
      });
      throwIfAny(errors);
      const n = ((this.q.maxMessage.get(session.id, episodeId) as { n: number | null }).n ?? 0) + 1;
      const msg: TacMessage = {
        messageId: `MSG-${n}`,
        sentAt: session.now().toISOString(),
        from: me.practitionerId,
        to: m.to,
        subject: m.subject,
        body: m.body,
      };
      this.q.insertMessage.run(session.id, episodeId, n, JSON.stringify(msg));
      return msg;
    });
  }

  /** Each member reads the messages sent to or by them. */
  listMessages(session: SessionContext, actor: Actor, episodeId: string): { messages: TacMessage[] } {
    return this.audited(session, actor, 'listTacMessages', { episodeId }, () => {
      const ep = this.loadAs(session.id, actor, episodeId);
      const me = this.requireAccess(ep, actor);
      const messages = (this.q.messages.all(session.id, episodeId) as Array<{ doc: string }>)
        .map((r) => JSON.parse(r.doc) as TacMessage)
        .filter((x) => x.from === me.practitionerId || x.to.includes(me.practitionerId));
      return { messages };
    });
  }

  // ------------------------------------------------------------------------------------------ stepping up and down

  /** ECAF-STEP-001: the episode stays; a social worker or social-care representative joins the TAC. */
  referToSocialCare(session: SessionContext, actor: Actor, episodeId: string, r: ReferralRequest): EpisodeView {
    return this.change(
      session,
      actor,
      'referToSocialCare',
      episodeId,
      (ep) => {
        this.requireOpen(ep, 'referring to social care');
        if (ep.socialCare && ep.socialCare.state !== 'stepped-down')
          throw ECAF.raise('not-with-social-care', '', `${episodeId} is already with social care (${ep.socialCare.state})`);
        if (!isSocialCareRole(r.socialCareMember.role))
          throw ECAF.raise('referral-social-care-role', '/socialCareMember/role', 'a referral adds a social worker or a social-care representative');
        this.join(session, actor, ep, r.socialCareMember, '/socialCareMember');
        ep.socialCare = { state: 'referred', referredAt: session.now().toISOString(), referredBy: this.by(actor), referralNote: r.note };
        return { event: 'referred-to-social-care', detail: r.socialCareMember.practitionerId };
      },
      (ep) => this.requireAccess(ep, actor),
    );
  }

  private requireSocialCareMember(ep: Episode, me: TacMember, rule: 'responsibility-social-care-member' | 'step-down-social-care-member'): void {
    if (!SOCIAL_CARE_ROLES.includes(me.role))
      throw ECAF.raise(
        rule,
        'header:practitioner-id',
        `only a social worker or social-care representative on the TAC takes this step for ${ep.episodeId}`,
      );
  }

  /** ECAF-STEP-002: after a referral, social care marks the open episode as its responsibility (free text). */
  markSocialCareResponsibility(session: SessionContext, actor: Actor, episodeId: string, r: ResponsibilityRequest): EpisodeView {
    return this.change(
      session,
      actor,
      'markSocialCareResponsibility',
      episodeId,
      (ep, me) => {
        this.requireOpen(ep, 'transferring responsibility');
        if (ep.socialCare?.state !== 'referred') throw ECAF.raise('referred-to-social-care', '', `${episodeId} has no open referral to social care`);
        this.requireSocialCareMember(ep, me, 'responsibility-social-care-member');
        Object.assign(ep.socialCare, {
          state: 'social-care-responsibility',
          responsibilityNote: r.note,
          responsibilityAt: session.now().toISOString(),
        });
        return { event: 'social-care-responsibility', detail: r.note };
      },
      (ep) => this.requireAccess(ep, actor),
    );
  }

  /** ECAF-STEP-003: social care hands the open episode back to a lead professional. */
  stepDown(session: SessionContext, actor: Actor, episodeId: string, r: StepDownRequest): EpisodeView {
    return this.change(
      session,
      actor,
      'stepDown',
      episodeId,
      (ep, me) => {
        this.requireOpen(ep, 'stepping down');
        if (ep.socialCare?.state !== 'referred' && ep.socialCare?.state !== 'social-care-responsibility')
          throw ECAF.raise('with-social-care', '', `${episodeId} is not with social care`);
        this.requireSocialCareMember(ep, me, 'step-down-social-care-member');
        const lead = this.activeMember(ep, r.leadProfessional);
        if (!lead) throw ECAF.raise('lead-is-member', '/leadProfessional', `${r.leadProfessional} is not a current TAC member`);
        if (r.socialCareLeaves && isSocialCareRole(lead.role))
          throw ECAF.raise('lead-stays', '/leadProfessional', 'the new lead professional cannot be a social-care member who is leaving');
        const now = session.now().toISOString();
        ep.leadProfessional = lead.practitionerId;
        if (r.socialCareLeaves)
          for (const m of ep.tac) if (!m.leftAt && isSocialCareRole(m.role)) Object.assign(m, { leftAt: now, removedBy: this.by(actor) });
        Object.assign(ep.socialCare, { state: 'stepped-down', steppedDownAt: now });
        return { event: 'stepped-down', detail: r.note };
      },
      (ep) => this.requireAccess(ep, actor),
    );
  }

  // ------------------------------------------------------------------------------------------ closing and reopening

  /**
   * ECAF-LIFE-001/002: a member closes the episode with a reason. Consent need not be in force: closing
   * shares nothing, and it is how an episode ends once the family withdraws.
   */
  closeEpisode(session: SessionContext, actor: Actor, episodeId: string, r: CloseRequest): EpisodeView {
    return this.change(
      session,
      actor,
      'closeEpisode',
      episodeId,
      (ep) => {
        if (ep.status !== 'open') throw ECAF.raise('episode-open', '', `${episodeId} is already closed (${ep.closure?.reason})`);
        if (
          r.reason === 'transfer-to-alternative-holistic-assessment' &&
          ep.socialCare?.state !== 'referred' &&
          ep.socialCare?.state !== 'social-care-responsibility'
        )
          throw ECAF.raise('close-after-referral', '/reason', 'transfer to alternative holistic assessment follows a referral to social care');
        ep.status = 'closed';
        ep.closure = { reason: r.reason, closedAt: session.now().toISOString(), closedBy: this.by(actor), ...(r.note ? { note: r.note } : {}) };
        return { event: 'closed', detail: r.reason };
      },
      (ep) => this.requireMember(ep, actor),
    );
  }

  /** ECAF-LIFE-004: a closed episode reopens (stepping down from social care, or needs returning). */
  reopenEpisode(session: SessionContext, actor: Actor, episodeId: string, r: ReopenRequest): EpisodeView {
    return this.change(
      session,
      actor,
      'reopenEpisode',
      episodeId,
      (ep) => {
        if (ep.status !== 'closed') throw ECAF.raise('episode-closed', '', `${episodeId} is open: only a closed episode reopens`);
        const now = session.now().toISOString();
        const was = ep.closure?.reason;
        ep.status = 'open';
        ep.openSince = now;
        delete ep.closure;
        // Reopening after social care took the case is the step back down (guidance note 4.3).
        if (ep.socialCare && ep.socialCare.state !== 'stepped-down') Object.assign(ep.socialCare, { state: 'stepped-down', steppedDownAt: now });
        return { event: 'reopened', detail: `${r.reason} (was closed: ${was})` };
      },
      (ep) => this.requireAccess(ep, actor),
    );
  }

  // ------------------------------------------------------------------------------------------ management report

  /** ECAF-REPORT-001: open episodes whose current open period is longer than `days`. Nothing closes by itself. */
  longOpenReport(session: SessionContext, actor: Actor, days: number) {
    return this.audited(session, actor, 'reportLongOpenEpisodes', {}, () => {
      const now = session.now();
      const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
      const episodes = (this.q.longOpen.all(session.id, cutoff) as Array<{ doc: string }>).map((r) => {
        const ep = JSON.parse(r.doc) as Episode;
        const contact = (id: string | undefined) => ep.tac.find((m) => m.practitionerId === id)?.contact;
        const lead = contact(ep.leadProfessional);
        const coordinator = ep.tac.find((m) => m.role === 'episode-coordinator')?.contact;
        return {
          episodeId: ep.episodeId,
          openSince: ep.openSince,
          daysOpen: Math.floor((now.getTime() - Date.parse(ep.openSince)) / DAY_MS),
          lastUpdatedAt: ep.lastUpdatedAt,
          socialCareResponsibility: ep.socialCare?.state === 'social-care-responsibility',
          ...(lead ? { leadProfessional: lead } : {}),
          ...(coordinator ? { coordinator } : {}),
        };
      });
      return { asOf: now.toISOString(), olderThanDays: days, episodes };
    });
  }

  // ------------------------------------------------------------------------------------------ exchange with local eCAF systems

  private importEpisode(session: SessionContext, x: ExchangeEpisode, origin: Exclude<Origin, { kind: 'opened' }>, by: string): Episode {
    const ep = fromExchange(x, this.nextEpisodeId(session), origin, session.now().toISOString(), by);
    this.commitChange(session, ep);
    return ep;
  }

  /** ECAF-EXCH-001: one episode from an accredited local eCAF module; refused without consent. Idempotent on messageId. */
  transferIn(session: SessionContext, actor: Actor, req: TransferRequest): { receipt: TransferReceipt; repeat: boolean } {
    return this.audited(
      session,
      actor,
      'transferEpisodeIn',
      {},
      () => {
        const sid = session.id;
        const client = actor.client.id;
        const hash = hashBody(req);
        const prior = this.q.transfer.get(sid, client, req.messageId) as { body_hash: string; receipt: string } | undefined;
        if (prior) {
          if (prior.body_hash !== hash)
            throw ECAF.raise('message-id-unique', '/messageId', `message ${req.messageId} was already used for a different transfer`);
          return { receipt: { ...(JSON.parse(prior.receipt) as TransferReceipt), repeat: true }, repeat: true };
        }
        const x = req.episode;
        throwIfAny(checkExchangeEpisode(x, isoDate(session.now()), '/episode'));
        const gaps = consentGaps(x, '/episode');
        if (gaps.length > 0) throw ECAF.refuse(gaps, { detail: gaps.map((g) => g.message).join('; ') });
        if (this.q.origin.get(sid, client, x.localRef))
          throw ECAF.raise('local-ref-once', '/episode/localRef', `your system already sent episode ${x.localRef}`);
        const ep = this.importEpisode(session, x, { kind: 'transfer', clientId: client, localRef: x.localRef }, `client:${client}`);
        this.q.upsertOrigin.run(sid, client, x.localRef, ep.episodeId, null);
        const receipt: TransferReceipt = {
          messageId: req.messageId,
          episodeId: ep.episodeId,
          localRef: x.localRef,
          receivedAt: session.now().toISOString(),
          repeat: false,
          ...(ep.contactPoint ? { contactPoint: ep.contactPoint } : {}),
        };
        this.q.insertTransfer.run(sid, client, req.messageId, hash, JSON.stringify(receipt));
        return { receipt, repeat: false };
      },
      (r) => r.receipt.episodeId,
    );
  }

  /** ECAF-EXCH-002: one episode out to a local CAF system, only while consent is in force. */
  exportEpisode(session: SessionContext, actor: Actor, req: ExportRequest) {
    return this.audited(session, actor, 'exportEpisode', { episodeId: req.episodeId }, () => {
      const ep = this.load(session.id, req.episodeId);
      // Only to a system the child is with: the one that sent the episode in, or one holding its own
      // ContactPoint record of the child (the child moved onto its caseload). To any other system the
      // episode does not exist: the same 404 as an unknown ID, so IDs cannot be probed.
      if (!this.mayExport(session.id, ep, actor.client.id)) throw notFound(req.episodeId);
      if (!ep.consents.some((c) => !c.withdrawal))
        throw ECAF.raise(
          'export-consent-in-force',
          '/episodeId',
          `no consent in force for ${req.episodeId}: it cannot be shared with another system`,
        );
      const exportedAt = session.now().toISOString();
      const exportId = `EXP-${randomUUID().slice(0, 8).toUpperCase()}`;
      ep.exports.push({ exportId, at: exportedAt, clientId: actor.client.id, destination: req.destination });
      this.event(session, ep, this.by(actor), 'exported', `${exportId} to ${req.destination.system} (${req.destination.localAuthority})`);
      // An export is not a change to the CAF: ContactPoint hears nothing and lastUpdatedAt stays.
      this.save(session.id, ep);
      const episode = toExchange(ep);
      // Shielding holds here too: what would find the child (address, contacts, school) does not leave.
      const cpId = ep.contactPoint?.contactPointId;
      if (cpId && this.contactPoint.isShielded?.(session.id, cpId)) {
        episode.child = withoutWhereabouts(episode.child);
        return { exportId, exportedAt, destination: req.destination, shielded: true, episode };
      }
      return { exportId, exportedAt, destination: req.destination, episode };
    });
  }

  private mayExport(sessionId: string, ep: Episode, clientId: string): boolean {
    if ((ep.origin.kind === 'transfer' || ep.origin.kind === 'migration') && ep.origin.clientId === clientId) return true;
    const cpId = ep.contactPoint?.contactPointId;
    return cpId !== undefined && this.contactPoint.hasRecordFrom?.(sessionId, cpId, clientId) === true;
  }

  /**
   * ECAF-EXCH-003: a batch from a local system, judged episode by episode (each in its own savepoint).
   * An episode without consent covering its TAC is held for manual consent capture, not imported.
   */
  importBatch(session: SessionContext, actor: Actor, batch: MigrationBatch) {
    const sid = session.id;
    const client = actor.client.id;
    const batchId = `MIG-${randomUUID().slice(0, 8).toUpperCase()}`;
    const today = isoDate(session.now());
    const results: MigrationResult[] = batch.episodes.map((raw, index) => {
      const path = `/episodes/${index}`;
      const localRef = typeof (raw as { localRef?: unknown })?.localRef === 'string' ? (raw as { localRef: string }).localRef : undefined;
      const base = { index, ...(localRef ? { localRef } : {}) };
      try {
        return this.store.tx((): MigrationResult => {
          const x = assertValid<ExchangeEpisode>(ExchangeEpisodeSchema, raw, MIGRATION_EPISODE_FIELDS, path);
          const seen = this.q.origin.get(sid, client, x.localRef) as { episode_id: string | null; hold_id: string | null } | undefined;
          if (seen)
            return {
              ...base,
              outcome: 'already-received',
              ...(seen.episode_id ? { episodeId: seen.episode_id } : {}),
              ...(seen.hold_id ? { holdId: seen.hold_id } : {}),
            };
          throwIfAny(checkExchangeEpisode(x, today, path));
          const gaps = consentGaps(x, path);
          if (gaps.length > 0) {
            const holdId = `HOLD-${randomUUID().slice(0, 8).toUpperCase()}`;
            this.q.insertHold.run(sid, holdId, client, batchId, x.localRef, session.now().toISOString(), JSON.stringify(x));
            this.q.upsertOrigin.run(sid, client, x.localRef, null, holdId);
            this.audit(
              sid,
              { at: session.now().toISOString(), clientId: client, operation: 'importMigrationBatch', holdId, outcome: 'granted' },
              false,
            );
            return { ...base, outcome: 'held-for-consent', holdId, reasons: gaps.map((g) => g.message) };
          }
          const ep = this.importEpisode(session, x, { kind: 'migration', clientId: client, localRef: x.localRef, batchId }, `client:${client}`);
          this.q.upsertOrigin.run(sid, client, x.localRef, ep.episodeId, null);
          this.audit(
            sid,
            { at: session.now().toISOString(), clientId: client, operation: 'importMigrationBatch', episodeId: ep.episodeId, outcome: 'granted' },
            false,
          );
          return { ...base, outcome: 'imported', episodeId: ep.episodeId };
        });
      } catch (err) {
        if (!(err instanceof ProblemError)) throw err;
        const first = err.problem.errors?.[0];
        this.audit(
          sid,
          {
            at: session.now().toISOString(),
            clientId: client,
            operation: 'importMigrationBatch',
            outcome: 'refused',
            status: err.problem.status,
            ...(first ? { rule: first.rule, requirement: first.requirement } : {}),
          },
          false,
        );
        return { ...base, outcome: 'rejected', problem: err.problem };
      }
    });
    const count = (o: MigrationResult['outcome']) => results.filter((r) => r.outcome === o).length;
    return {
      batchId,
      batchRef: batch.batchRef,
      receivedAt: session.now().toISOString(),
      summary: {
        imported: count('imported'),
        heldForConsent: count('held-for-consent'),
        alreadyReceived: count('already-received'),
        rejected: count('rejected'),
      },
      results,
    };
  }

  private holdView(row: HoldRow): HeldEpisode {
    const x = JSON.parse(row.episode) as ExchangeEpisode;
    const reasons = row.status === 'held' ? consentGaps(x, '').map((g) => g.message) : [];
    return {
      holdId: row.hold_id,
      batchId: row.batch_id,
      localRef: row.local_ref,
      status: row.status,
      heldAt: row.held_at,
      child: { name: x.child.name, dateOfBirth: x.child.dateOfBirth },
      reasons,
      releasable: row.status === 'held' && reasons.length === 0,
      consents: x.consents,
      ...(row.released_episode_id ? { episodeId: row.released_episode_id } : {}),
    };
  }

  /** A system sees only its own held episodes (as ContactPoint's source records). */
  private ownHold(session: SessionContext, actor: Actor, holdId: string): HoldRow {
    const row = this.q.hold.get(session.id, holdId) as HoldRow | undefined;
    if (!row || row.client_id !== actor.client.id) throw ECAF.raise('own-hold', 'path:holdId', `your system has no held episode ${holdId}`);
    return row;
  }

  listHolds(session: SessionContext, actor: Actor): { held: HeldEpisode[] } {
    return this.audited(session, actor, 'listHeldEpisodes', {}, () => ({
      held: (this.q.holdsOf.all(session.id, actor.client.id) as HoldRow[]).map((r) => this.holdView(r)),
    }));
  }

  /** ECAF-EXCH-004: the manual consent capture a migration needs. */
  recordHeldConsent(session: SessionContext, actor: Actor, holdId: string, c: ConsentInput): HeldEpisode {
    return this.audited(session, actor, 'recordHeldConsent', { holdId }, () => {
      const row = this.ownHold(session, actor, holdId);
      if (row.status !== 'held') throw ECAF.raise('hold-held', 'path:holdId', `${holdId} was already released as ${row.released_episode_id}`);
      throwIfAny(checkConsent(c, isoDate(session.now()), ''));
      const x = JSON.parse(row.episode) as ExchangeEpisode;
      x.consents.push(c);
      this.q.updateHold.run('held', JSON.stringify(x), null, session.id, holdId);
      return this.holdView({ ...row, episode: JSON.stringify(x) });
    });
  }

  /** ECAF-EXCH-004: released (imported) only once consent in force covers its TAC. */
  releaseHold(session: SessionContext, actor: Actor, holdId: string): HeldEpisode {
    return this.audited(
      session,
      actor,
      'releaseHeldEpisode',
      { holdId },
      () => {
        const row = this.ownHold(session, actor, holdId);
        if (row.status !== 'held') throw ECAF.raise('hold-held', 'path:holdId', `${holdId} was already released as ${row.released_episode_id}`);
        const x = JSON.parse(row.episode) as ExchangeEpisode;
        const gaps = consentGaps(x, '');
        if (gaps.length > 0)
          throw ECAF.refuse(
            gaps.map((g) => ({ ...g, id: g.id === 'consent-captured' ? 'held-consent-captured' : 'held-consent-covers-agency' })),
            { detail: gaps.map((g) => g.message).join('; ') },
          );
        const ep = this.importEpisode(
          session,
          x,
          { kind: 'migration', clientId: row.client_id, localRef: row.local_ref, batchId: row.batch_id },
          `client:${row.client_id}`,
        );
        this.q.updateHold.run('released', row.episode, ep.episodeId, session.id, holdId);
        this.q.upsertOrigin.run(session.id, row.client_id, row.local_ref, ep.episodeId, holdId);
        return this.holdView({ ...row, status: 'released', released_episode_id: ep.episodeId });
      },
      (h) => h.episodeId,
    );
  }

  // ------------------------------------------------------------------------------------------ seeding and harness views

  /**
   * Loads fixture episodes through the same rules and the same ContactPoint indicator as a transfer.
   * Not audited: seeding is not an access. Throws on an invalid fixture, so a broken generator is loud.
   */
  seed(session: SessionContext, episodes: Iterable<ExchangeEpisode>): number {
    let n = 0;
    const today = isoDate(session.now());
    for (const x of episodes) {
      throwIfAny(checkExchangeEpisode(x, today, ''));
      const gaps = consentGaps(x, '');
      if (gaps.length > 0) throw ECAF.refuse(gaps, { detail: `seed ${x.localRef}: ${gaps.map((g) => g.message).join('; ')}` });
      this.importEpisode(session, x, { kind: 'seed', localRef: x.localRef }, 'seed');
      n++;
    }
    return n;
  }

  /** Every episode in full, and every held episode (harness view, not an access). */
  harnessView(sessionId: string): { episodes: EpisodeView[]; held: HeldEpisode[] } {
    return {
      episodes: (this.q.allEpisodes.all(sessionId) as Array<{ doc: string }>).map((r) => this.view(JSON.parse(r.doc) as Episode)),
      held: (this.q.allHolds.all(sessionId) as HoldRow[]).map((r) => this.holdView(r)),
    };
  }
}
