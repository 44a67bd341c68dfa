/**
 * The request journal: every exchange with the national APIs, with its verdict. Kept in SQLite with
 * a per-session retention limit (and a count of what was dropped), and published in-process so the
 * conformance engine can wait for a message without polling.
 */
import { EventEmitter } from 'node:events';
import { isStorageFull, type Store } from './store.js';
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
  /**
   * Where a credential-named value was masked (`query:access_token`, `body`): the value is not
   * kept, but that one was sent there is evidence (SEC-SECRET-001).
   */
  masked?: string[];
  /** A refused request's body not kept, or kept cut short: its size and why (JournalBudget). */
  bodyOmitted?: { bytes: number; reason: 'entry-limit' | 'session-budget' };
}

/**
 * What the journal keeps of refused requests' bodies (verdict `rejected`): a client can send
 * thousands of large bad messages, and every one would be kept up to the retention limit. Accepted
 * and faulted exchanges are kept whole: the suites judge them.
 */
export interface JournalBudget {
  /** A refused body longer than this (bytes of its text) is kept cut to this. Default 16 KiB. */
  entryBytes?: number;
  /** Refused bodies a session's journal holds at once; past it, they are left out until older entries retire. Default 16 MiB. */
  sessionBytes?: number;
}

/** Journal entries kept in memory while the disk is full; older ones past it are lost. */
const MAX_UNWRITTEN = 100_000;

export const DEFAULT_JOURNAL_BUDGET: Required<JournalBudget> = { entryBytes: 16 * 1024, sessionBytes: 16 * 1024 * 1024 };

/**
 * On a new entry, the JSON text its requestBody was parsed from (valid JSON, already checked), so the
 * journal can store that text instead of serialising the body again. A symbol: never serialised.
 */
export const RAW_BODY: unique symbol = Symbol('raw request body');

/** On a new entry: the service stored the request body itself (HandlerResult.journalBody). Never serialised. */
export const BODY_REF: unique symbol = Symbol('stored request body');

/** On a new entry: the JSON text of responseBody, as it was answered (CoreResponse.json). Never serialised itself. */
export const RAW_RESPONSE: unique symbol = Symbol('raw response body');

export type NewJournalEntry = Omit<JournalEntry, 'seq'> & { [RAW_BODY]?: string; [BODY_REF]?: BodyRef; [RAW_RESPONSE]?: string };

const SENSITIVE_HEADERS = new Set(['authorization', 'cookie', 'x-control-token', 'proxy-authorization']);
const LOWER = /^[^A-Z]*$/;
const KEPT_HEADERS = new Set(['content-type', 'content-length', 'user-agent', 'practitioner-id', 'idempotency-key', 'retry-count']);

/** Names of fields and query parameters whose values are credentials: masked in every journal entry. */
const SECRET_KEY = /^(access_?token|token|password|passwd|secret|client_?secret|api_?key|authorization|refresh_?token)$/i;
const SECRET_TEXT =
  /("(?:access_?token|token|password|passwd|secret|client_?secret|api_?key|authorization|refresh_?token)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;

function hasSecretKey(o: Record<string, unknown>): boolean {
  for (const k in o) if (SECRET_KEY.test(k)) return true;
  return false;
}

/** A copy of a parsed value with every secret-named field's value replaced by "***". */
export function maskSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskSecrets);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? '***' : maskSecrets(x)]));
  return v;
}

/** Masks a refused body's credential-named fields; true when there were any. */
function maskBody(e: NewJournalEntry): boolean {
  const raw = e[RAW_BODY];
  const text = raw ?? (typeof e.requestBody === 'string' ? e.requestBody : JSON.stringify(e.requestBody));
  SECRET_TEXT.lastIndex = 0;
  if (!SECRET_TEXT.test(text)) return false;
  delete e[RAW_BODY];
  e.requestBody = typeof e.requestBody === 'string' ? e.requestBody.replace(SECRET_TEXT, '$1"***"') : maskSecrets(e.requestBody);
  return true;
}

/** Keeps a few useful headers; credentials never leave the pipeline unmasked. */
export function maskHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in headers) {
    const v = headers[k];
    if (v === undefined) continue;
    // Node and fetch give lower-case names already.
    const key = LOWER.test(k) ? k : k.toLowerCase();
    if (SENSITIVE_HEADERS.has(key)) out[key] = v.startsWith('Bearer ') ? 'Bearer ***' : '***';
    else if (KEPT_HEADERS.has(key)) out[key] = v;
  }
  return out;
}

/**
 * The journal of national-API requests that no session owns: refused before their token named one
 * (no token, an unknown or revoked one, one sent only in the query string). Not a session id (those
 * are UUIDs or `[a-z0-9-]`), so no session can read or reset it; the server's control token reads it
 * at GET /control/v1/journal (docs/decisions/0049).
 */
export const SERVER_JOURNAL = '~server';

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
   * Retention: entries with seq <= floor are dropped (never listed); pages up to `deleted` are gone
   * from SQLite. They go in chunks, so one statement frees whole database pages, where deleting the
   * oldest few entries on every commit rewrote the oldest pages each time (docs/benchmarks.md).
   */
  private readonly floors = new Map<string, number>();
  private readonly deleted = new Map<string, number>();
  private readonly chunk: number;
  private readonly bodySources = new Map<string, (ref: number) => string | undefined>();
  private pending: JournalEntry[] = [];
  private scheduled = false;
  private readonly q;
  readonly budget: Required<JournalBudget>;
  /** Per session: refused bodies kept, as [seq, bytes] oldest first, and their sum (given back as entries retire). */
  private readonly refusedKept = new Map<string, { kept: Array<[number, number]>; bytes: number }>();

  constructor(
    private readonly store: Store,
    readonly retentionLimit = 50_000,
    budget: JournalBudget = {},
  ) {
    this.budget = { ...DEFAULT_JOURNAL_BUDGET, ...budget };
    this.events.setMaxListeners(0);
    // One row per flush and session (a page of entries, a JSON array), not one per entry: a row costs
    // about as much to insert as a message's own log row, and pages keep the cost to one per commit.
    store.exec(`
      CREATE TABLE IF NOT EXISTS journal_pages (session_id TEXT NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL, entries TEXT NOT NULL, PRIMARY KEY (session_id, first_seq));
      CREATE TABLE IF NOT EXISTS journal_meta (session_id TEXT PRIMARY KEY, dropped INTEGER NOT NULL, floor INTEGER);
    `);
    migrateEntryRows(store);
    addMissingColumns(store, 'journal_meta', { floor: 'INTEGER' });
    for (const r of store.db.prepare('SELECT session_id, dropped, floor FROM journal_meta').all() as Array<{
      session_id: string;
      dropped: number;
      floor: number | null;
    }>) {
      this.dropped.set(r.session_id, r.dropped);
      if (r.floor !== null) this.floors.set(r.session_id, r.floor);
    }
    // What is physically left; for files written before the floor existed (they deleted exactly), the floor too.
    for (const r of store.db
      .prepare('SELECT session_id, MIN(first_seq) AS first, MAX(last_seq) AS last FROM journal_pages GROUP BY session_id')
      .all() as Array<{
      session_id: string;
      first: number;
      last: number;
    }>) {
      this.seqs.set(r.session_id, r.last);
      this.deleted.set(r.session_id, r.first - 1);
      if (!this.floors.has(r.session_id)) this.floors.set(r.session_id, r.first - 1);
    }
    this.chunk = Math.max(1, Math.floor(retentionLimit / 50));
    this.q = {
      insert: store.db.prepare('INSERT OR REPLACE INTO journal_pages (session_id, first_seq, last_seq, entries) VALUES (?, ?, ?, ?)'),
      // Whole pages only: a page that straddles the cutoff stays, its older entries hidden by the floor.
      drop: store.db.prepare('DELETE FROM journal_pages WHERE session_id = @sid AND first_seq <= @cutoff AND last_seq <= @cutoff'),
      // From the page holding entry `from` (the last page starting at or before it) on.
      pages: store.db
        .prepare(
          'SELECT entries FROM journal_pages WHERE session_id = @sid AND first_seq >= ' +
            'COALESCE((SELECT MAX(first_seq) FROM journal_pages WHERE session_id = @sid AND first_seq <= @from), 0) ORDER BY first_seq',
        )
        .pluck(),
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
    // The entry itself, numbered: a copy would read every field, and a lazily kept body would be parsed.
    const entry = e as JournalEntry;
    entry.seq = seq;
    if (hasSecretKey(e.query)) {
      e.masked = Object.keys(e.query)
        .filter((k) => SECRET_KEY.test(k))
        .map((k) => `query:${k}`);
      e.query = maskSecrets(e.query) as Record<string, string>;
    }
    if (e.verdict === 'rejected' && e.requestBody !== undefined && e[BODY_REF] === undefined) {
      this.budgetBody(e, seq);
      // A refused body can hold anything (schemas are closed, so an accepted one cannot): its secrets are masked.
      if (e.requestBody !== undefined && maskBody(e)) (e.masked ??= []).push('body');
    }
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

  /** Keeps a refused body within the per-entry limit and the session's budget (JournalBudget). */
  private budgetBody(e: NewJournalEntry, seq: number): void {
    const raw = e[RAW_BODY];
    const text = raw ?? (typeof e.requestBody === 'string' ? e.requestBody : JSON.stringify(e.requestBody));
    const bytes = Buffer.byteLength(text);
    let use = this.refusedKept.get(e.sessionId);
    if (!use) this.refusedKept.set(e.sessionId, (use = { kept: [], bytes: 0 }));
    const keep = Math.min(bytes, this.budget.entryBytes);
    if (use.bytes + keep > this.budget.sessionBytes) {
      delete e[RAW_BODY];
      delete e.requestBody;
      e.bodyOmitted = { bytes, reason: 'session-budget' };
      return;
    }
    if (bytes > keep) {
      delete e[RAW_BODY];
      // Cut on a character, never inside one; the text as sent, not its parse.
      e.requestBody = `${Buffer.from(text)
        .subarray(0, keep)
        .toString('utf8')
        .replace(/\uFFFD$/, '')}…`;
      e.bodyOmitted = { bytes, reason: 'entry-limit' };
    }
    use.kept.push([seq, keep]);
    use.bytes += keep;
  }

  /** Gives back the budget of refused bodies whose entries the retention limit has dropped. */
  private retireBudget(sid: string, cutoff: number): void {
    const use = this.refusedKept.get(sid);
    if (!use) return;
    let n = 0;
    while (n < use.kept.length && use.kept[n]![0] <= cutoff) use.bytes -= use.kept[n++]![1];
    if (n > 0) use.kept.splice(0, n);
  }

  /** Writes queued entries in one transaction and applies the retention limit. */
  flush(): void {
    // After close (a request that finished during shutdown) there is nowhere left to write.
    if (this.pending.length === 0 || !this.store.db.open) return;
    const batch = this.pending;
    this.pending = [];
    const nested = this.store.db.inTransaction;
    try {
      this.write(batch);
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      // Riding a group commit that SQLite has rolled back: the group must fail as a whole.
      const aborted = nested && !this.store.db.inTransaction;
      // A full disk: the entries wait in memory (up to a bound) and go with the next flush once there is space.
      this.pending = batch.concat(this.pending);
      if (this.pending.length > MAX_UNWRITTEN) this.pending.splice(0, this.pending.length - MAX_UNWRITTEN);
      if (!this.retry) this.retry = setTimeout(() => ((this.retry = undefined), this.flush()), 1_000).unref();
      if (aborted) throw err;
    }
  }

  private retry: NodeJS.Timeout | undefined;

  private write(batch: JournalEntry[]): void {
    const pages = new Map<string, JournalEntry[]>();
    for (const e of batch) {
      const page = pages.get(e.sessionId);
      if (page) page.push(e);
      else pages.set(e.sessionId, [e]);
    }
    this.store.tx(() => {
      for (const [sid, entries] of pages) {
        // A session's entries are queued in seq order.
        this.q.insert.run(sid, entries[0]!.seq, entries[entries.length - 1]!.seq, `[${entries.map(serialise).join(',')}]`);
      }
      for (const sid of pages.keys()) {
        const cutoff = (this.seqs.get(sid) ?? 0) - this.retentionLimit;
        const floor = this.floors.get(sid) ?? 0;
        if (cutoff <= floor) continue;
        // A session's seqs are contiguous since its last reset: every one in (floor, cutoff] is an entry dropped now.
        const before = this.dropped.get(sid) ?? 0;
        const dropped = before + (cutoff - floor);
        this.floors.set(sid, cutoff);
        this.dropped.set(sid, dropped);
        this.retireBudget(sid, cutoff);
        this.store.onRollback(() => {
          this.floors.set(sid, floor);
          this.dropped.set(sid, before);
        });
        const gone = this.deleted.get(sid) ?? 0;
        if (cutoff - gone < this.chunk) continue;
        this.q.drop.run({ sid, cutoff });
        // Saved with the delete: after a crash the floor may lag the limit, and the next flush catches up.
        this.q.setDropped.run(sid, dropped, cutoff);
        this.deleted.set(sid, cutoff);
        this.store.onRollback(() => this.deleted.set(sid, gone));
      }
    });
  }

  list(sessionId: string, opts: { since?: number; limit?: number } = {}): JournalPage {
    this.flush();
    const after = Math.max(opts.since ?? 0, this.floors.get(sessionId) ?? 0);
    const limit = opts.limit ?? 1000;
    const entries: JournalEntry[] = [];
    if (limit > 0) {
      for (const text of this.q.pages.iterate({ sid: sessionId, from: after + 1 }) as Iterable<string>) {
        for (const e of JSON.parse(text) as StoredEntry[]) if (e.seq > after && entries.push(this.revive(e)) === limit) break;
        // Leaving the loop early ends the statement's iteration.
        if (entries.length === limit) break;
      }
    }
    return { entries, dropped: this.dropped.get(sessionId) ?? 0, retentionLimit: this.retentionLimit };
  }

  private revive(e: StoredEntry): JournalEntry {
    const ref = e[STORED_BODY_REF];
    if (ref === undefined) return e;
    delete e[STORED_BODY_REF];
    const text = this.bodySources.get(ref[0])?.(ref[1]);
    if (text !== undefined) e.requestBody = JSON.parse(text) as unknown;
    return e;
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
    this.store.db.prepare('DELETE FROM journal_pages WHERE session_id = ?').run(sessionId);
    this.store.db.prepare('DELETE FROM journal_meta WHERE session_id = ?').run(sessionId);
    this.dropped.delete(sessionId);
    this.refusedKept.delete(sessionId);
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
  waitFor(
    sessionId: string,
    match: (e: JournalEntry) => boolean,
    opts: { timeoutMs: number; afterSeq?: number; signal?: AbortSignal },
  ): Promise<JournalEntry> {
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
      // Unref'd: giving up a wait must never be what keeps a process alive (a run that ends while the
      // control API still holds a 30 s long poll would otherwise linger until it times out).
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${opts.timeoutMs} ms`))), opts.timeoutMs).unref();
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

/** Every field of an entry but seq and requestBody, in the order they are stored. */
const FIELDS = [
  'sessionId',
  'at',
  'durationMs',
  'service',
  'operationId',
  'method',
  'path',
  'query',
  'clientId',
  'practitionerId',
  'requestHeaders',
  'status',
  'responseBody',
  'verdict',
  'problems',
  'fault',
  'masked',
  'bodyOmitted',
] as const;
// A field added to JournalEntry and not to FIELDS would silently not be stored: this fails to compile.
const everyField: [Exclude<keyof JournalEntry, (typeof FIELDS)[number] | 'seq' | 'requestBody'>] extends [never] ? true : never = true;
void everyField;

/** In a stored entry: where the service keeps its request body ([source, ref]), in place of the body. */
const STORED_BODY_REF = '$body';
type StoredEntry = JournalEntry & { [STORED_BODY_REF]?: [string, number] };

/**
 * An entry as stored, field by field: no copy of the entry, and its requestBody is not read when
 * the text it came from is at hand (RAW_BODY) or the service stored it (BODY_REF: stored as a reference).
 */
function serialise(e: JournalEntry & { [RAW_BODY]?: string; [BODY_REF]?: BodyRef; [RAW_RESPONSE]?: string }): string {
  let out = `{"seq":${e.seq}`;
  for (const k of FIELDS) {
    const v = e[k];
    if (v === undefined) continue;
    out += `,"${k}":${k === 'responseBody' && e[RAW_RESPONSE] !== undefined ? e[RAW_RESPONSE] : JSON.stringify(v)}`;
  }
  const ref = e[BODY_REF];
  if (ref) return `${out},"${STORED_BODY_REF}":${JSON.stringify([ref.source, ref.ref])}}`;
  const raw = e[RAW_BODY];
  if (raw !== undefined) return `${out},"requestBody":${raw}}`;
  return e.requestBody === undefined ? `${out}}` : `${out},"requestBody":${JSON.stringify(e.requestBody)}}`;
}

/**
 * Files written before journal pages kept one row per entry in `journal` (the body reference, if
 * any, in its own columns): each becomes a page of one entry, with the reference inside it.
 */
function migrateEntryRows(store: Store): void {
  const old = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'").get();
  if (!old) return;
  // Files written before body references had no such columns.
  addMissingColumns(store, 'journal', { body_source: 'TEXT', body_ref: 'INTEGER' });
  store.tx(() => {
    store.exec(`
      INSERT OR REPLACE INTO journal_pages (session_id, first_seq, last_seq, entries)
        SELECT session_id, seq, seq, '[' || CASE WHEN body_source IS NULL THEN entry ELSE json_set(entry, '$."${STORED_BODY_REF}"', json_array(body_source, body_ref)) END || ']' FROM journal;
      DROP TABLE journal;
    `);
  });
}

function addMissingColumns(store: Store, table: string, columns: Record<string, string>): void {
  const have = new Set((store.db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
  for (const [name, type] of Object.entries(columns)) if (!have.has(name)) store.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
}
