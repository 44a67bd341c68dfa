/**
 * The request journal: every exchange with the national APIs, with its verdict. Kept in SQLite with
 * a per-session retention limit (and a count of what was dropped), and published in-process so the
 * conformance engine can wait for a message without polling.
 */
import { EventEmitter } from 'node:events';
import type { Store } from './store.js';
import type { BodyRef } from './http.js';
import type { ProblemItem } from './problem.js';

export interface JournalEntry {
  seq: number;
  sessionId: string;
  at: string;
  durationMs: number;
  service: string;
  operationId: string;
  method: string;
  path: string;
  query: Record<string, string>;
  clientId?: string;
  practitionerId?: string;
  /** Request headers with credentials masked. */
  requestHeaders: Record<string, string>;
  /** Parsed JSON body when there was one; otherwise the text (truncated). */
  requestBody?: unknown;
  status: number;
  responseBody?: unknown;
  verdict: 'accepted' | 'rejected' | 'fault' | 'error';
  problems?: ProblemItem[];
  fault?: string;
}

/**
 * On a new entry, the JSON text its requestBody was parsed from (valid JSON, already checked), so the
 * journal can store that text instead of serialising the body again. A symbol: never serialised.
 */
export const RAW_BODY: unique symbol = Symbol('raw request body');

/** On a new entry: the service stored the request body itself (HandlerResult.journalBody). Never serialised. */
export const BODY_REF: unique symbol = Symbol('stored request body');

export type NewJournalEntry = Omit<JournalEntry, 'seq'> & { [RAW_BODY]?: string; [BODY_REF]?: BodyRef };

const SENSITIVE_HEADERS = new Set(['authorization', 'cookie', 'x-control-token', 'proxy-authorization']);
const KEPT_HEADERS = new Set(['content-type', 'content-length', 'user-agent', 'practitioner-id', 'idempotency-key', 'retry-count']);

/** Keeps a few useful headers; credentials never leave the pipeline unmasked. */
export function maskHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const key = k.toLowerCase();
    if (SENSITIVE_HEADERS.has(key)) out[key] = v.startsWith('Bearer ') ? 'Bearer ***' : '***';
    else if (KEPT_HEADERS.has(key)) out[key] = v;
  }
  return out;
}

export interface JournalPage {
  entries: JournalEntry[];
  /** Entries removed by the retention limit since the session began. */
  dropped: number;
  retentionLimit: number;
}

export class Journal {
  private readonly events = new EventEmitter();
  private readonly seqs = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  /**
   * Retention: entries with seq <= floor are dropped (never listed); rows up to `deleted` are gone
   * from SQLite. Rows go in chunks, so one statement frees whole pages, where deleting the oldest
   * few entries on every commit rewrote the oldest pages each time (it cost 10-20 µs a message).
   */
  private readonly floors = new Map<string, number>();
  private readonly deleted = new Map<string, number>();
  private readonly chunk: number;
  private readonly bodySources = new Map<string, (ref: number) => string | undefined>();
  private pending: JournalEntry[] = [];
  private scheduled = false;
  private readonly q;

  constructor(
    private readonly store: Store,
    readonly retentionLimit = 50_000,
  ) {
    this.events.setMaxListeners(0);
    store.exec(`
      CREATE TABLE IF NOT EXISTS journal (session_id TEXT NOT NULL, seq INTEGER NOT NULL, entry TEXT NOT NULL, body_source TEXT, body_ref INTEGER, PRIMARY KEY (session_id, seq));
      CREATE TABLE IF NOT EXISTS journal_meta (session_id TEXT PRIMARY KEY, dropped INTEGER NOT NULL, floor INTEGER);
    `);
    // Files written before body references and the retention floor existed.
    addMissingColumns(store, 'journal', { body_source: 'TEXT', body_ref: 'INTEGER' });
    addMissingColumns(store, 'journal_meta', { floor: 'INTEGER' });
    for (const r of store.db.prepare('SELECT session_id, dropped, floor FROM journal_meta').all() as Array<{ session_id: string; dropped: number; floor: number | null }>) {
      this.dropped.set(r.session_id, r.dropped);
      if (r.floor !== null) this.floors.set(r.session_id, r.floor);
    }
    // What is physically left; for files written before the floor existed (they deleted exactly), the floor too.
    for (const r of store.db.prepare('SELECT session_id, MIN(seq) AS first, MAX(seq) AS last FROM journal GROUP BY session_id').all() as Array<{ session_id: string; first: number; last: number }>) {
      this.seqs.set(r.session_id, r.last);
      this.deleted.set(r.session_id, r.first - 1);
      if (!this.floors.has(r.session_id)) this.floors.set(r.session_id, r.first - 1);
    }
    this.chunk = Math.max(1, Math.floor(retentionLimit / 50));
    this.q = {
      insert: store.db.prepare('INSERT OR REPLACE INTO journal (session_id, seq, entry, body_source, body_ref) VALUES (?, ?, ?, ?, ?)'),
      drop: store.db.prepare('DELETE FROM journal WHERE session_id = ? AND seq <= ?'),
      setDropped: store.db.prepare(
        'INSERT INTO journal_meta (session_id, dropped, floor) VALUES (?, ?, ?) ON CONFLICT(session_id) DO UPDATE SET dropped = excluded.dropped, floor = excluded.floor',
      ),
    };
  }

  /**
   * Registers how to read back request bodies a service stored itself (HandlerResult.journalBody):
   * an accepted message is then written once, not again in its journal entry.
   */
  bodySource(name: string, read: (ref: number) => string | undefined): void {
    this.bodySources.set(name, read);
  }

  record(e: NewJournalEntry): JournalEntry {
    const seq = (this.seqs.get(e.sessionId) ?? 0) + 1;
    this.seqs.set(e.sessionId, seq);
    const entry: JournalEntry = { seq, ...e };
    this.pending.push(entry);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        // Under load a group commit is nearly always queued: the entries ride in it.
        if (!this.store.rideNextCommit(() => this.flush())) this.flush();
      });
    }
    this.events.emit(e.sessionId, entry);
    this.events.emit('*', entry);
    return entry;
  }

  /** Writes queued entries in one transaction and applies the retention limit. */
  flush(): void {
    // After close (a request that finished during shutdown) there is nowhere left to write.
    if (this.pending.length === 0 || !this.store.db.open) return;
    const batch = this.pending;
    this.pending = [];
    const touched = new Set<string>();
    this.store.tx(() => {
      for (const e of batch) {
        const ref = (e as NewJournalEntry)[BODY_REF];
        this.q.insert.run(e.sessionId, e.seq, serialise(e), ref?.source ?? null, ref?.ref ?? null);
        touched.add(e.sessionId);
      }
      for (const sid of touched) {
        const cutoff = (this.seqs.get(sid) ?? 0) - this.retentionLimit;
        const floor = this.floors.get(sid) ?? 0;
        if (cutoff <= floor) continue;
        // A session's seqs are contiguous since its last reset: every one in (floor, cutoff] is an entry dropped now.
        const before = this.dropped.get(sid) ?? 0;
        const dropped = before + (cutoff - floor);
        this.floors.set(sid, cutoff);
        this.dropped.set(sid, dropped);
        this.store.onRollback(() => {
          this.floors.set(sid, floor);
          this.dropped.set(sid, before);
        });
        const gone = this.deleted.get(sid) ?? 0;
        if (cutoff - gone < this.chunk) continue;
        this.q.drop.run(sid, cutoff);
        // Saved with the delete: after a crash the floor may lag the limit, and the next flush catches up.
        this.q.setDropped.run(sid, dropped, cutoff);
        this.deleted.set(sid, cutoff);
        this.store.onRollback(() => this.deleted.set(sid, gone));
      }
    });
  }

  list(sessionId: string, opts: { since?: number; limit?: number } = {}): JournalPage {
    this.flush();
    const rows = this.store.db
      .prepare('SELECT entry, body_source, body_ref FROM journal WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(sessionId, Math.max(opts.since ?? 0, this.floors.get(sessionId) ?? 0), opts.limit ?? 1000) as Array<{ entry: string; body_source: string | null; body_ref: number | null }>;
    return { entries: rows.map((r) => this.revive(r)), dropped: this.dropped.get(sessionId) ?? 0, retentionLimit: this.retentionLimit };
  }

  private revive(r: { entry: string; body_source: string | null; body_ref: number | null }): JournalEntry {
    const entry = JSON.parse(r.entry) as JournalEntry;
    if (r.body_source !== null && r.body_ref !== null) {
      const text = this.bodySources.get(r.body_source)?.(r.body_ref);
      if (text !== undefined) entry.requestBody = JSON.parse(text) as unknown;
    }
    return entry;
  }

  /** Every entry of a session, oldest first, in pages (for exports). */
  *all(sessionId: string): Generator<JournalEntry> {
    let since = 0;
    for (;;) {
      const page = this.list(sessionId, { since, limit: 1000 });
      if (page.entries.length === 0) return;
      yield* page.entries;
      since = page.entries[page.entries.length - 1]!.seq;
    }
  }

  clear(sessionId: string): void {
    this.pending = this.pending.filter((e) => e.sessionId !== sessionId);
    this.store.db.prepare('DELETE FROM journal WHERE session_id = ?').run(sessionId);
    this.store.db.prepare('DELETE FROM journal_meta WHERE session_id = ?').run(sessionId);
    this.dropped.delete(sessionId);
    // Seqs carry on after a reset: what came before is gone, not dropped.
    const last = this.seqs.get(sessionId) ?? 0;
    this.floors.set(sessionId, last);
    this.deleted.set(sessionId, last);
  }

  /** Live subscription; returns the unsubscribe function. Use sessionId "*" for all sessions. */
  subscribe(sessionId: string, listener: (e: JournalEntry) => void): () => void {
    this.events.on(sessionId, listener);
    return () => this.events.off(sessionId, listener);
  }

  /**
   * Resolves with the first entry (after `afterSeq`) that matches, already recorded or yet to come;
   * rejects after the timeout. Event-driven: no polling, no fixed sleeps.
   */
  waitFor(sessionId: string, match: (e: JournalEntry) => boolean, opts: { timeoutMs: number; afterSeq?: number; signal?: AbortSignal }): Promise<JournalEntry> {
    return new Promise((resolve, reject) => {
      let done = false;
      const finish = (fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        off();
        opts.signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const off = this.subscribe(sessionId, (e) => {
        if (e.seq > (opts.afterSeq ?? 0) && match(e)) finish(() => resolve(e));
      });
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${opts.timeoutMs} ms`))), opts.timeoutMs);
      const onAbort = () => finish(() => reject(new Error('aborted')));
      opts.signal?.addEventListener('abort', onAbort);
      for (const e of this.pendingAndStored(sessionId, opts.afterSeq ?? 0)) {
        if (match(e)) return finish(() => resolve(e));
      }
    });
  }

  private *pendingAndStored(sessionId: string, afterSeq: number): Generator<JournalEntry> {
    let since = afterSeq;
    for (const e of this.all(sessionId)) {
      if (e.seq > since) {
        since = e.seq;
        yield e;
      }
    }
  }

  lastSeq(sessionId: string): number {
    return this.seqs.get(sessionId) ?? 0;
  }
}

function serialise(e: JournalEntry & { [RAW_BODY]?: string; [BODY_REF]?: BodyRef }): string {
  // Stored by the service: the reference (in its own columns) stands for the body.
  if (e[BODY_REF]) return JSON.stringify({ ...e, requestBody: undefined });
  const raw = e[RAW_BODY];
  if (raw === undefined) return JSON.stringify(e);
  const rest = JSON.stringify({ ...e, requestBody: undefined });
  return `${rest.slice(0, -1)},"requestBody":${raw}}`;
}

function addMissingColumns(store: Store, table: string, columns: Record<string, string>): void {
  const have = new Set((store.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
  for (const [name, type] of Object.entries(columns)) if (!have.has(name)) store.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
}
