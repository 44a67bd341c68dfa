/**
 * Sessions isolate state, so several vendors or parallel CI jobs can share one server. A client's
 * bearer token belongs to one session, so a vendor's system needs no special header: its token
 * selects its session. Tokens are stored only as SHA-256 hashes.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Store } from './store.js';
import { clockNow, isoOncePerMs, type ClockState } from './clock.js';

export interface ClientSpec {
  id: string;
  name: string;
  organisation: string;
  permissions: string[];
  /** Fixed token (demo sessions); otherwise a random one is issued. */
  token?: string;
}

export interface Client extends Omit<ClientSpec, 'token'> {
  sessionId: string;
}

export interface Credential {
  clientId: string;
  name: string;
  organisation: string;
  permissions: string[];
  token: string;
}

export type FaultKind = 'latency' | 'error' | 'drop' | 'drop-after-commit';

export interface Fault {
  id: string;
  /** operationId, or "*" for every national-service operation. */
  operationId: string;
  kind: FaultKind;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  /** How many requests it applies to; absent = until cleared. */
  remaining?: number;
  /** Only requests whose body has these values at these JSON pointers (e.g. one child's NHS number). */
  match?: Record<string, string>;
}

export interface SessionInfo {
  id: string;
  name: string;
  createdAt: string;
  clock: ClockState;
  faults: Fault[];
  clients: Client[];
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Compares two secrets in time that does not depend on where they differ (their hashes: equal lengths). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Hashes of recently presented tokens: every request pays for a SHA-256 otherwise. Bounded, so random tokens cannot grow it. */
const recentHashes = new Map<string, string>();
function cachedHash(token: string): string {
  let hash = recentHashes.get(token);
  if (hash === undefined) {
    if (recentHashes.size >= 256) recentHashes.clear();
    hash = hashToken(token);
    recentHashes.set(token, hash);
  }
  return hash;
}

/** Session-scoped view handed to domain code. */
export class SessionContext {
  constructor(
    readonly id: string,
    private readonly state: { clock: ClockState; faults: Fault[] },
  ) {}
  now(): Date {
    return clockNow(this.state.clock);
  }
  /** now() as an ISO string (every message's receipt carries one). */
  nowIso(): string {
    return this.iso(clockNow(this.state.clock).getTime());
  }
  private readonly iso = isoOncePerMs();
  get clock(): ClockState {
    return this.state.clock;
  }
  get faults(): Fault[] {
    return this.state.faults;
  }
}

type SessionRow = { id: string; name: string; created_at: string; clock: string; faults: string; control_hash?: string | null };
type ClientRow = { token_hash: string; session_id: string; client_id: string; name: string; organisation: string; permissions: string };

export class Sessions {
  private readonly cache = new Map<string, { row: SessionRow; ctx: SessionContext }>();
  private readonly tokens = new Map<string, Client>();
  /** The same clients by session and client ID. */
  private readonly byId = new Map<string, Client>();
  private readonly resetHooks: Array<(sessionId: string) => void> = [];
  /** Session control tokens (hashed) to their session. */
  private readonly controlTokens = new Map<string, string>();

  constructor(
    private readonly store: Store,
    /** The clients every new session gets unless it names its own: the composition's, which knows the services' permissions. */
    private readonly defaultClients: () => ClientSpec[] = () => [],
  ) {
    store.exec(`
      CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL, clock TEXT NOT NULL, faults TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS clients (token_hash TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        client_id TEXT NOT NULL, name TEXT NOT NULL, organisation TEXT NOT NULL, permissions TEXT NOT NULL, UNIQUE(session_id, client_id));
    `);
    // Files from before session control tokens: their sessions answer to the server's token only.
    const cols = new Set((store.db.prepare('PRAGMA table_info(sessions)').all() as Array<{ name: string }>).map((c) => c.name));
    if (!cols.has('control_hash')) store.exec('ALTER TABLE sessions ADD COLUMN control_hash TEXT');
    for (const row of store.db.prepare('SELECT * FROM sessions').all() as SessionRow[]) this.load(row);
    for (const row of store.db.prepare('SELECT * FROM clients').all() as ClientRow[]) this.addClient(row.token_hash, toClient(row));
  }

  private addClient(hash: string, c: Client): void {
    this.tokens.set(hash, c);
    this.byId.set(`${c.sessionId}\0${c.id}`, c);
  }

  /** Services register how to wipe their part of a session. */
  onReset(hook: (sessionId: string) => void): void {
    this.resetHooks.push(hook);
  }

  private load(row: SessionRow): SessionContext {
    const ctx = new SessionContext(row.id, { clock: JSON.parse(row.clock) as ClockState, faults: JSON.parse(row.faults) as Fault[] });
    this.cache.set(row.id, { row, ctx });
    if (row.control_hash) this.controlTokens.set(row.control_hash, row.id);
    return ctx;
  }

  create(opts: { id?: string; name?: string; clients?: ClientSpec[] } = {}): {
    session: SessionInfo;
    credentials: Credential[];
    controlToken: string;
  } {
    const id = opts.id ?? randomUUID();
    const controlToken = `sct_${randomBytes(24).toString('base64url')}`;
    const row: SessionRow = {
      id,
      name: opts.name ?? `session ${id.slice(0, 8)}`,
      created_at: new Date().toISOString(),
      clock: JSON.stringify({ offsetMs: 0, frozenAt: null }),
      faults: '[]',
      control_hash: hashToken(controlToken),
    };
    const credentials: Credential[] = [];
    const insertClient = this.store.db.prepare(
      'INSERT INTO clients (token_hash, session_id, client_id, name, organisation, permissions) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.store.tx(() => {
      this.store.db
        .prepare(
          'INSERT INTO sessions (id, name, created_at, clock, faults, control_hash) VALUES (@id, @name, @created_at, @clock, @faults, @control_hash)',
        )
        .run(row);
      for (const spec of opts.clients ?? this.defaultClients()) {
        const token = spec.token ?? `ics_${randomBytes(24).toString('base64url')}`;
        const hash = hashToken(token);
        insertClient.run(hash, id, spec.id, spec.name, spec.organisation, JSON.stringify(spec.permissions));
        this.addClient(hash, { id: spec.id, name: spec.name, organisation: spec.organisation, permissions: spec.permissions, sessionId: id });
        credentials.push({ clientId: spec.id, name: spec.name, organisation: spec.organisation, permissions: spec.permissions, token });
      }
    });
    this.load(row);
    return { session: this.info(id)!, credentials, controlToken };
  }

  get(id: string): SessionContext | undefined {
    return this.cache.get(id)?.ctx;
  }

  has(id: string): boolean {
    return this.cache.has(id);
  }

  info(id: string): SessionInfo | undefined {
    const hit = this.cache.get(id);
    if (!hit) return undefined;
    const clients = [...this.tokens.values()].filter((c) => c.sessionId === id);
    return { id, name: hit.row.name, createdAt: hit.row.created_at, clock: hit.ctx.clock, faults: hit.ctx.faults, clients };
  }

  list(): SessionInfo[] {
    return [...this.cache.keys()].map((id) => this.info(id)!);
  }

  /** A session's client by ID (tokens are not needed to name one). */
  client(sessionId: string, clientId: string): Client | undefined {
    return this.byId.get(`${sessionId}\0${clientId}`);
  }

  /** The session a session control token acts on (docs/decisions/0016), if it is one. */
  sessionOfControlToken(token: string): string | undefined {
    return this.controlTokens.get(hashToken(token));
  }

  authenticate(token: string): Client | undefined {
    return this.tokens.get(cachedHash(token));
  }

  /** Wipes the session's service state; keeps its clients. */
  reset(id: string): void {
    this.store.tx(() => {
      for (const hook of this.resetHooks) hook(id);
    });
    this.setClock(id, { offsetMs: 0, frozenAt: null });
    this.setFaults(id, []);
  }

  delete(id: string): boolean {
    if (!this.cache.has(id)) return false;
    this.store.tx(() => {
      for (const hook of this.resetHooks) hook(id);
      this.store.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
    });
    const controlHash = this.cache.get(id)?.row.control_hash;
    if (controlHash) this.controlTokens.delete(controlHash);
    this.cache.delete(id);
    for (const [hash, c] of this.tokens)
      if (c.sessionId === id) {
        this.tokens.delete(hash);
        this.byId.delete(`${id}\0${c.id}`);
      }
    return true;
  }

  /** Issues a new token for a client and revokes the old one (tests that credentials are configurable). */
  rotate(sessionId: string, clientId: string): Credential | undefined {
    const entry = [...this.tokens.entries()].find(([, c]) => c.sessionId === sessionId && c.id === clientId);
    if (!entry) return undefined;
    const [oldHash, client] = entry;
    const token = `ics_${randomBytes(24).toString('base64url')}`;
    const hash = hashToken(token);
    this.store.db.prepare('UPDATE clients SET token_hash = ? WHERE token_hash = ?').run(hash, oldHash);
    this.tokens.delete(oldHash);
    this.tokens.set(hash, client);
    return { clientId, name: client.name, organisation: client.organisation, permissions: client.permissions, token };
  }

  setClock(id: string, clock: ClockState): void {
    const hit = this.cache.get(id)!;
    Object.assign(hit.ctx.clock, clock);
    this.store.db.prepare('UPDATE sessions SET clock = ? WHERE id = ?').run(JSON.stringify(hit.ctx.clock), id);
  }

  setFaults(id: string, faults: Fault[]): void {
    const hit = this.cache.get(id)!;
    hit.ctx.faults.splice(0, hit.ctx.faults.length, ...faults);
    this.store.db.prepare('UPDATE sessions SET faults = ? WHERE id = ?').run(JSON.stringify(faults), id);
  }
}

function toClient(row: ClientRow): Client {
  return {
    id: row.client_id,
    name: row.name,
    organisation: row.organisation,
    permissions: JSON.parse(row.permissions) as string[],
    sessionId: row.session_id,
  };
}
