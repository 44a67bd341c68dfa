import type { Json } from './types.js';
/**
 * The engine's view of the mock services, always over HTTP (control API + the national APIs as a
 * practitioner), so a run against an in-process server and one against a remote `serve` instance take
 * the same path. Waiting is a long poll on the journal: the server answers the moment the next
 * exchange is journalled, so there are no fixed sleeps.
 */
import type { JournalEntry } from '../../platform/journal.js';
import { connectionFailure } from '../../platform/net.js';
import type { Credential, Fault } from '../../platform/sessions.js';

export class HarnessError extends Error {}

/** What a wait cut short by the run's interruption throws (the runner counts such a test as not run). */
export function interruptedBy(signal: AbortSignal): HarnessError {
  return new HarnessError(`not run to the end: the run was interrupted (${String(signal.reason)})`);
}

/** The control API's longest long poll (GET /journal?waitMs). */
export const MAX_POLL_MS = 30_000;

export interface MockSession {
  id: string;
  credentials: Credential[];
}

export class MockClient {
  session!: MockSession;
  /** The mocks' URL as the system under test reaches it (may differ from the harness's own view). */
  publicUrl: string;
  private seenSeq = 0;
  private cache: JournalEntry[] = [];
  /** Aborts the waits (long polls) at once: an interrupted run does not sit out a five-minute wait. Reads still work, for the evidence. */
  signal: AbortSignal | undefined;
  /** Sees every new journal entry as it is fetched: the terminal's live "received / refused" lines. */
  onEntry: ((e: JournalEntry) => void) | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly controlToken: string,
    publicUrl?: string,
  ) {
    this.publicUrl = publicUrl ?? baseUrl;
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    token = this.controlToken,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<{ status: number; body: Json }> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw interruptedBy(signal);
      throw new HarnessError(`mock services unreachable at ${this.baseUrl}: ${connectionFailure(err)}`);
    }
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  private async control(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Json> {
    const r = await this.call(method, `/control/v1/sessions/${this.session.id}${path}`, body, this.controlToken, {}, signal);
    if (r.status >= 400) throw new HarnessError(`control API ${method} ${path} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /**
   * A fresh, isolated session for this run. With a session's own control token (a shared server's
   * admin made the session and handed over its token), that session is used instead: reset, and each
   * client given a new token, since the ones shown at its creation are not known here.
   */
  async createSession(name: string): Promise<MockSession> {
    const r = await this.call('POST', '/control/v1/sessions', { name });
    if (r.status === 401) throw new HarnessError('the mock services refused the control token');
    if (r.status === 403) {
      const own = await this.call('GET', '/control/v1/session');
      if (own.status !== 200) throw new HarnessError(`could not create a session: ${r.status} ${JSON.stringify(r.body)}`);
      this.session = { id: own.body.id as string, credentials: [] };
      await this.control('POST', '/reset');
      for (const c of own.body.clients as Array<{ id: string }>)
        this.session.credentials.push((await this.control('POST', `/clients/${c.id}/rotate`)) as Credential);
      return this.session;
    }
    if (r.status !== 201) throw new HarnessError(`could not create a session: ${r.status} ${JSON.stringify(r.body)}`);
    this.session = { id: r.body.session.id, credentials: r.body.credentials };
    return this.session;
  }

  async deleteSession(): Promise<void> {
    if (this.session) await this.call('DELETE', `/control/v1/sessions/${this.session.id}`);
  }

  token(clientId: string): string {
    const c = this.session.credentials.find((x) => x.clientId === clientId);
    if (!c) throw new HarnessError(`session has no client ${clientId}`);
    return c.token;
  }

  lastSeq(): number {
    return this.seenSeq;
  }

  private async pull(waitMs: number): Promise<JournalEntry[]> {
    // The control API long-polls at most 30 s a call; a longer wait is several calls (waitFor and settle loop).
    const wait = Math.min(Math.ceil(waitMs), MAX_POLL_MS);
    if (wait > 0 && this.signal?.aborted) throw interruptedBy(this.signal);
    const page = await this.control(
      'GET',
      `/journal?since=${this.seenSeq}&limit=1000${wait > 0 ? `&waitMs=${wait}` : ''}`,
      undefined,
      wait > 0 ? this.signal : undefined,
    );
    const entries = page.entries as JournalEntry[];
    if (entries.length) {
      this.seenSeq = entries[entries.length - 1]!.seq;
      this.cache.push(...entries);
      for (const e of entries) this.onEntry?.(e);
    }
    return entries;
  }

  /** Every journal entry after `afterSeq` (fetching what is new). */
  async entriesAfter(afterSeq: number): Promise<JournalEntry[]> {
    while ((await this.pull(0)).length === 1000);
    return this.cache.filter((e) => e.seq > afterSeq);
  }

  /** The first entry after `afterSeq` that matches, waiting up to timeoutMs for it to arrive. */
  async waitFor(match: (e: JournalEntry) => boolean, opts: { afterSeq: number; timeoutMs: number }): Promise<JournalEntry | undefined> {
    const deadline = Date.now() + opts.timeoutMs;
    const hit = (await this.entriesAfter(opts.afterSeq)).find(match);
    if (hit) return hit;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      const found = (await this.pull(left)).find((e) => e.seq > opts.afterSeq && match(e));
      if (found) return found;
    }
  }

  /** Waits until no new entry has arrived for `quietMs` (or the timeout): for "nothing more was sent" checks. */
  async settle(quietMs: number, timeoutMs: number): Promise<void> {
    // Once interrupted, waiting for quiet is pointless: the test's evidence so far is still read.
    if (this.signal?.aborted) return;
    const deadline = Date.now() + timeoutMs;
    let quietSince = Date.now();
    for (;;) {
      const left = Math.min(quietMs - (Date.now() - quietSince), deadline - Date.now());
      if (left <= 0) return;
      if ((await this.pull(left)).length > 0) quietSince = Date.now();
    }
  }

  /** New token for a client (old one revoked); the session's credentials are updated. */
  async rotate(clientId: string): Promise<string> {
    const cred = await this.control('POST', `/clients/${clientId}/rotate`);
    this.session.credentials = this.session.credentials.map((c) => (c.clientId === clientId ? cred : c));
    return cred.token as string;
  }

  addFault(f: Omit<Fault, 'id' | 'remaining'> & { count?: number }): Promise<Fault> {
    return this.control('POST', '/faults', f);
  }

  clearFaults(): Promise<void> {
    return this.control('DELETE', '/faults');
  }

  setClock(body: { now?: string; advanceDays?: number; frozen?: boolean }): Promise<{ now: string }> {
    return this.control('PUT', '/clock', body);
  }

  /** A ContactPoint lookup as a practitioner would make it (journalled and audited like any other). */
  async lookup(path: string, practitionerId = 'HARNESS-PRACTITIONER', clientId = 'practitioner'): Promise<{ status: number; body: Json }> {
    return this.call('GET', `/contactpoint/v1${path}`, undefined, this.token(clientId), { 'practitioner-id': practitionerId });
  }

  /** Any national-service call made by the harness itself (e.g. a National eCAF practitioner). */
  async national(method: string, path: string, clientId: string, body?: unknown, practitionerId?: string): Promise<{ status: number; body: Json }> {
    return this.call(method, path, body, this.token(clientId), practitionerId ? { 'practitioner-id': practitionerId } : {});
  }

  children(): Promise<{ children: Array<{ contactPointId: string; identity: Json }> }> {
    return this.control('GET', '/contactpoint/children');
  }
}
