/**
 * One request pipeline for every adapter: route match, credentials, fault injection, body limits,
 * safe parsing, schema validation, the handler (group-committed when it changes state), problem+json
 * errors and the journal entry. The express and msw adapters only translate requests and responses.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isUtf8 } from 'node:buffer';
import {
  compilePath,
  MAX_BODY_BYTES,
  type BodyRef,
  type CoreRequest,
  type CoreResponse,
  type HandlerContext,
  type HandlerResult,
  type RouteDef,
} from './http.js';
import { ProblemError, type Problem, type ProblemItem } from './problem.js';
import { parseUntrustedJson } from './safe-json.js';
import { assertValid, validator } from './validate.js';
import { BODY_REF, maskHeaders, RAW_BODY, RAW_RESPONSE, SERVER_JOURNAL, type Journal, type NewJournalEntry } from './journal.js';
import { sameSecret, type Sessions, type SessionContext, type Client, type Fault } from './sessions.js';
import { isStorageFull, type Store } from './store.js';
import { inlinePreparers, type PrepareRunner } from './offload.js';
import { registerFormats } from './schema.js';
import type { ServiceDescriptor } from './service.js';
import { isoOncePerMs } from './clock.js';

const JOURNAL_TEXT_LIMIT = 64 * 1024;

export interface PipelineDeps {
  store: Store;
  sessions: Sessions;
  journal: Journal;
  controlToken: string;
  /** Mutual TLS mode: client-authenticated operations also need a trusted certificate naming the token's client. */
  mtls?: boolean;
  /** Where routes' preparers run (default: inline, on the calling thread). */
  preparers?: PrepareRunner;
  /** The services whose routes these are (by RouteDef.service): what the pipeline knows of each. */
  services?: readonly ServiceDescriptor[];
}

interface CompiledRoute {
  route: RouteDef;
  regex: RegExp;
  names: string[];
}

export type Match = { route: RouteDef; params: Record<string, string> } | { allowed: string[] } | undefined;

export class Pipeline {
  private readonly compiled: CompiledRoute[];

  private readonly preparers: PrepareRunner;

  /** The services by name; a route of none of them is the server's own (control API, docs). */
  private readonly services: ReadonlyMap<string, ServiceDescriptor>;

  constructor(
    readonly routes: RouteDef[],
    private readonly deps: PipelineDeps,
  ) {
    this.preparers = deps.preparers ?? inlinePreparers;
    this.services = new Map((deps.services ?? []).map((s) => [s.name, s]));
    for (const s of this.services.values()) registerFormats(s.formats);
    this.compiled = routes.map((route) => ({ route, ...compilePath(route.path) }));
    for (const r of routes)
      if (r.preparer && r.preparer.schema !== r.body) throw new Error(`${r.operationId}: its preparer must validate its body schema`);
    // Compile every schema now: a broken schema fails at start-up, and no request pays for compilation.
    for (const r of routes) for (const s of [r.body, r.query, ...Object.values(r.params ?? {})]) if (s) validator(s);
  }

  match(method: string, path: string): Match {
    const allowed: string[] = [];
    // HEAD is GET without the body (RFC 9110 9.3.2): the adapters send the head only.
    const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      const params = decodeParams(c.names, m);
      // A segment that is not valid percent-encoding names no resource (404), rather than throwing.
      if (!params) return undefined;
      if (c.route.method !== wanted) {
        allowed.push(c.route.method);
        if (c.route.method === 'GET') allowed.push('HEAD');
        continue;
      }
      return { route: c.route, params };
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }

  /** Dispatches a request that no adapter route matched (404/405 as problem+json). */
  async handle(req: CoreRequest): Promise<CoreResponse> {
    const m = this.match(req.method, req.path);
    if (m && 'route' in m) return this.invoke(m.route, m.params, req);
    const err =
      m && 'allowed' in m
        ? new ProblemError('ICS_ERR_HTTP_METHOD', {
            detail: `${req.method} is not allowed on ${req.path}. Allowed: ${m.allowed.join(', ')}`,
            headers: { allow: m.allowed.join(', ') },
          })
        : new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No operation at ${req.method} ${req.path}` });
    return problemResponse(err.problem, err.headers);
  }

  async invoke(route: RouteDef, params: Record<string, string>, req: CoreRequest): Promise<CoreResponse> {
    const started = performance.now();
    const at = isoAt(Date.now());
    let client: Client | undefined;
    let session: SessionContext | undefined;
    let practitionerId: string | undefined;
    // What the request carried, for the journal: filled by run() as far as it gets.
    const seen: Seen = {};
    let fault: Fault | undefined;
    let response: CoreResponse;
    // Filled as soon as the token is known, so a refusal after that (403, no Practitioner-Id) is journalled too.
    const known: { client?: Client; session?: SessionContext } = {};
    try {
      ({ client, session, practitionerId } = this.authenticate(route, params, req, known));
      if (session && this.services.has(route.service)) {
        // A fault aimed at one child's messages needs the body before it can be taken: read it once, replay it to run().
        let parsed: unknown;
        if (
          route.body &&
          route.bodyKind !== 'stream' &&
          session.faults.some((f) => f.match && (f.operationId === route.operationId || f.operationId === '*'))
        ) {
          const text = await readLimited(req.body, route.maxBodyBytes ?? MAX_BODY_BYTES, route.requirement);
          req = { ...req, body: replay(text) };
          parsed = parseOrUndefined(text);
        }
        fault = this.takeFault(session, route.operationId, parsed);
      }
      const early = fault ? await this.applyFault(fault) : undefined;
      if (early && route.body && route.bodyKind !== 'stream')
        seen.body = await bodyForJournal(req, route.maxBodyBytes ?? MAX_BODY_BYTES, route.requirement);
      response = early ?? (await this.run(route, params, req, { client, session, practitionerId }, seen));
      // A slow service: the message is processed and committed at once, the answer comes late, so a
      // client that times out and retries meets its own message already stored.
      if (fault?.kind === 'latency' && fault.latencyMs) await sleep(fault.latencyMs);
      if (!early && fault?.kind === 'drop-after-commit') response = { status: 0, headers: {}, drop: true };
    } catch (err) {
      client ??= known.client;
      session ??= known.session;
      if (err instanceof ProblemError) {
        response = problemResponse({ ...err.problem, instance: req.path }, err.headers);
      } else if (isStorageFull(err)) {
        // The transaction rolled back; the server stays up and recovers when space returns.
        response = problemResponse(
          {
            ...new ProblemError('ICS_ERR_STORAGE_FULL', { detail: `${route.operationId}: the data file could not grow; nothing was stored` }).problem,
            instance: req.path,
          },
          { 'retry-after': '30' },
        );
      } else {
        console.error(`[ics-conformance] internal error in ${route.operationId}:`, err);
        response = problemResponse(new ProblemError('ICS_ERR_INTERNAL', { detail: `Internal error in ${route.operationId}` }).problem);
      }
    }
    return this.journalled(route, req, response, { at, started, client, session, practitionerId, seen, fault });
  }

  private async run(
    route: RouteDef,
    params: Record<string, string>,
    req: CoreRequest,
    who: { client: Client | undefined; session: SessionContext | undefined; practitionerId: string | undefined },
    seen: Seen,
  ): Promise<CoreResponse> {
    let body: unknown;
    let bodyText: string | undefined;
    if (route.body && route.bodyKind !== 'stream') {
      checkContentType(req, 'application/json', route.requirement);
      const text = await readLimited(req.body, route.maxBodyBytes ?? MAX_BODY_BYTES, route.requirement, req.bodyTimeoutMs);
      // The journal keeps what was sent even when it fails to parse.
      seen.body = text.length > JOURNAL_TEXT_LIMIT ? `${text.slice(0, JOURNAL_TEXT_LIMIT)}…` : text;
      if (route.preparer) {
        const r = (await this.preparers.run(route.preparer, [text]))[0]!;
        if (!r.ok) {
          if ('internal' in r) throw new Error(r.internal);
          // Acceptable JSON that broke the schema or a rule: journalled parsed, as the inline path does.
          if (r.parsed && text.length <= JOURNAL_TEXT_LIMIT) {
            seen.body = JSON.parse(text) as unknown;
            seen.text = text;
          }
          throw ProblemError.revive(r.problem, r.headers);
        }
        body = r.value;
        // The parsed body never came to this thread: the journal entry parses the text if anyone reads it.
        // Accepted bodies are kept whole (bounded by the route's body limit): the engine judges them.
        seen.body = undefined;
        seen.lazy = true;
        seen.text = text;
      } else {
        const parsed = parseUntrustedJson(text, route.requirement);
        if (text.length <= JOURNAL_TEXT_LIMIT) {
          seen.body = parsed;
          seen.text = text;
        }
        body = assertValid(route.body, parsed, route.fields ?? route.requirement);
        // Accepted: kept whole (bounded by the route's body limit), never the display copy, since the engine judges it.
        seen.body = parsed;
        seen.text = text;
      }
      bodyText = text;
    } else if (route.bodyKind === 'stream') {
      checkContentType(req, route.bodyContentType ?? 'application/x-ndjson', route.requirement);
    }
    if (route.query) assertValid(route.query, req.query, route.requirement, 'query:');
    if (route.params) {
      for (const [name, schema] of Object.entries(route.params)) assertValid(schema, params[name], route.requirement, `path:${name}`);
    }
    const ctx: HandlerContext<unknown> = {
      body,
      bodyText,
      query: req.query,
      params,
      headers: req.headers,
      client: who.client,
      practitionerId: who.practitionerId,
      session: who.session,
      stream: route.bodyKind === 'stream' ? req.body : null,
      prepare: (p, texts) => this.preparers.run(p, texts),
    };
    const handler = route.handler as (c: HandlerContext<unknown>) => HandlerResult | Promise<HandlerResult>;
    const result = route.mutates
      ? await this.deps.store.commit(() => syncOnly(handler(ctx)), route.refusesBeforeWriting ? { refusal: isRefusal } : {})
      : await handler(ctx);
    if (result.journalBody) seen.ref = result.journalBody;
    // A copy: the adapters add to the headers, and a handler's may be shared.
    const response: CoreResponse = { status: result.status, headers: result.headers ? { ...result.headers } : {} };
    if (result.stream) response.stream = result.stream;
    else if (result.body !== undefined) {
      response.body = result.body;
      if (result.json !== undefined) response.json = result.json;
      response.headers['content-type'] ??= 'application/json';
    }
    return response;
  }

  private journalled(
    route: RouteDef,
    req: CoreRequest,
    response: CoreResponse,
    m: {
      at: string;
      started: number;
      client: Client | undefined;
      session: SessionContext | undefined;
      practitionerId: string | undefined;
      seen: Seen;
      fault: Fault | undefined;
    },
  ): CoreResponse {
    const { at, started, client, session, practitionerId, seen, fault } = m;
    const requestBody = seen.body;
    // A national-API request refused before its token named a session (none, unknown, or only in the
    // query string) belongs to no session: the server's journal keeps it (docs/decisions/0049).
    const national = this.services.has(route.service);
    const sessionId = session?.id ?? (national && route.auth.kind !== 'none' ? SERVER_JOURNAL : undefined);
    if (sessionId !== undefined && national) {
      // Field by field, not spreads of optional parts: this runs for every exchange.
      const entry: NewJournalEntry = {
        sessionId,
        at,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        service: route.service,
        operationId: route.operationId,
        method: route.method,
        path: req.path,
        query: req.query,
        requestHeaders: maskHeaders(req.headers),
        status: response.status,
        verdict: verdictOf(response, fault),
      };
      if (client) entry.clientId = client.id;
      if (practitionerId) entry.practitionerId = practitionerId;
      // A body kept as text only (a preparer's route): parsed when first read, in-process subscribers included.
      if (seen.lazy && seen.text !== undefined) lazyRequestBody(entry, seen.text);
      else if (requestBody !== undefined) entry.requestBody = requestBody;
      // The text the body parsed from: the journal stores it as is rather than serialising the body again.
      if (seen.text !== undefined) entry[RAW_BODY] = seen.text;
      // Or no text at all: the service keeps the body, and the journal the reference to it.
      if (seen.ref !== undefined) entry[BODY_REF] = seen.ref;
      if (response.body !== undefined) {
        entry.responseBody = response.body;
        if (response.json !== undefined) entry[RAW_RESPONSE] = response.json;
        if (isProblem(response.body) && response.body.errors) entry.problems = response.body.errors;
      }
      if (fault) entry.fault = describeFault(fault);
      if (response.stream) {
        // Journal the bulk exchange once its streamed answer has been produced.
        response.stream = journalAfter(response.stream, (summary, cutShort) => {
          const durationMs = Math.round(performance.now() - started);
          if (cutShort === undefined) return this.deps.journal.record({ ...entry, responseBody: summary, durationMs });
          // Lines answered before the cut stand (their results were sent); the exchange itself did not finish.
          this.deps.journal.record({
            ...entry,
            verdict: 'rejected',
            problems: [incompleteItem(cutShort, route.requirement)],
            responseBody: { ...summary, incomplete: cutShort },
            durationMs,
          });
        });
      } else {
        this.deps.journal.record(entry);
      }
    }
    return response;
  }

  private authenticate(
    route: RouteDef,
    params: Record<string, string>,
    req: CoreRequest,
    known: { client?: Client; session?: SessionContext },
  ): { client?: Client; session?: SessionContext; practitionerId?: string } {
    const auth = route.auth;
    if (auth.kind === 'none') return {};
    const token = bearerToken(req.headers['authorization']);
    if (auth.kind === 'control') {
      if (!token)
        throw new ProblemError('ICS_ERR_AUTH_MISSING', { requirement: 'CTL-AUTH-001', headers: { 'www-authenticate': 'Bearer realm="control"' } });
      // The server's token acts on every session; a session's own control token on that session alone (docs/decisions/0016).
      const admin = sameSecret(token, this.deps.controlToken);
      const own = admin ? undefined : this.deps.sessions.sessionOfControlToken(token);
      if (!admin && !own)
        throw new ProblemError('ICS_ERR_AUTH_INVALID', {
          requirement: 'CTL-AUTH-001',
          headers: { 'www-authenticate': 'Bearer realm="control", error="invalid_token"' },
        });
      const sessionId = params.sessionId ?? (route.auth.kind === 'control' && route.auth.ownSession ? own : undefined);
      if (own && (sessionId === undefined || route.auth.kind !== 'control' || route.auth.serverOnly))
        throw new ProblemError('ICS_ERR_AUTH_FORBIDDEN', {
          detail: `A session's control token acts on its own session only (${route.method} ${route.path} needs the server's control token)`,
          requirement: 'CTL-AUTH-001',
        });
      if (sessionId !== undefined) {
        // Another session is, to a session's token, a session that does not exist.
        const session = own && own !== sessionId ? undefined : this.deps.sessions.get(sessionId);
        if (!session) throw new ProblemError('ICS_ERR_SESSION_NOT_FOUND', { detail: `No session "${sessionId}"` });
        return { session };
      }
      return {};
    }
    const realm = `Bearer realm="${route.service}"`;
    if (!token)
      throw new ProblemError('ICS_ERR_AUTH_MISSING', {
        requirement: 'SEC-AUTH-001',
        errors: [{ path: 'header:authorization', rule: 'credentials-required', requirement: 'SEC-AUTH-001', message: 'no bearer token' }],
        headers: { 'www-authenticate': realm },
      });
    const client = this.deps.sessions.authenticate(token);
    if (!client)
      throw new ProblemError('ICS_ERR_AUTH_INVALID', {
        requirement: 'SEC-AUTH-001',
        errors: [{ path: 'header:authorization', rule: 'credentials-valid', requirement: 'SEC-AUTH-001', message: 'unknown token' }],
        headers: { 'www-authenticate': `${realm}, error="invalid_token"` },
      });
    const session = this.deps.sessions.get(client.sessionId)!;
    known.client = client;
    known.session = session;
    // After the token, so the refusal is journalled in the client's session (docs/decisions/0008).
    if (this.deps.mtls) checkPeer(req, client, realm);
    if (!client.permissions.includes(auth.permission))
      throw new ProblemError('ICS_ERR_AUTH_FORBIDDEN', {
        detail: `${client.name} is not permitted "${auth.permission}" (has: ${client.permissions.join(', ') || 'none'})`,
        requirement: 'SEC-AUTH-002',
        errors: [
          {
            path: 'header:authorization',
            rule: `permission:${auth.permission}`,
            requirement: 'SEC-AUTH-002',
            message: `not permitted ${auth.permission}`,
          },
        ],
      });
    let practitionerId: string | undefined;
    if (auth.practitioner) {
      practitionerId = req.headers['practitioner-id'];
      if (!practitionerId || !/^[A-Za-z0-9._@:-]{1,64}$/.test(practitionerId)) {
        // The service's audit needs the practitioner; a route of no service cites its own requirement.
        const requirement = this.services.get(route.service)?.practitionerRequirement ?? route.requirement;
        throw new ProblemError('ICS_ERR_PRACTITIONER_MISSING', {
          requirement,
          errors: [
            { path: 'header:practitioner-id', rule: 'practitioner-identity', requirement, message: 'missing or malformed Practitioner-Id header' },
          ],
        });
      }
    }
    return { client, session, ...(practitionerId ? { practitionerId } : {}) };
  }

  private takeFault(session: SessionContext, operationId: string, body: unknown): Fault | undefined {
    const faults = session.faults;
    const i = faults.findIndex((f) => (f.operationId === operationId || f.operationId === '*') && (!f.match || faultMatches(f.match, body)));
    if (i < 0) return undefined;
    const f = faults[i]!;
    if (f.remaining !== undefined) {
      const rest = faults.slice();
      if (f.remaining <= 1) rest.splice(i, 1);
      else rest[i] = { ...f, remaining: f.remaining - 1 };
      this.deps.sessions.setFaults(session.id, rest);
    }
    return f;
  }

  private async applyFault(f: Fault): Promise<CoreResponse | undefined> {
    // A pure latency fault delays the answer, not the work: see invoke.
    if (f.latencyMs && f.kind !== 'latency') await sleep(f.latencyMs);
    if (f.kind === 'drop') return { status: 0, headers: {}, drop: true };
    if (f.kind === 'error') {
      const status = f.status ?? 503;
      const headers: Record<string, string> = {};
      if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds);
      const code = status === 429 ? 'ICS_ERR_RATE_LIMITED' : 'ICS_ERR_FAULT_INJECTED';
      return problemResponse(new ProblemError(code, { status, detail: `Injected fault: ${describeFault(f)}` }).problem, headers);
    }
    return undefined;
  }
}

/**
 * Mutual TLS mode: the connection's client certificate must chain to the test CA and name the same
 * client as the bearer token. Answered here, not in the handshake, so a refusal is problem+json.
 */
function checkPeer(req: CoreRequest, client: Client, realm: string): void {
  const peer = req.tls;
  const refuse = (
    code: 'ICS_ERR_AUTH_MISSING' | 'ICS_ERR_AUTH_INVALID' | 'ICS_ERR_AUTH_FORBIDDEN',
    rule: string,
    message: string,
    headers?: Record<string, string>,
  ) =>
    new ProblemError(code, {
      detail: message,
      errors: [{ path: 'tls:client-certificate', rule, requirement: 'SEC-AUTH-001', message }],
      ...(headers ? { headers } : {}),
    });
  if (!peer?.presented)
    throw refuse(
      'ICS_ERR_AUTH_MISSING',
      'client-certificate-required',
      'No client certificate: this server requires mutual TLS. Connect with the certificate issued to your system.',
      { 'www-authenticate': realm },
    );
  if (!peer.authorized)
    throw refuse(
      'ICS_ERR_AUTH_INVALID',
      'client-certificate-trusted',
      `The client certificate is not trusted${peer.error ? ` (${peer.error})` : ''}: use one issued by this server's test CA.`,
      { 'www-authenticate': realm },
    );
  if (peer.clientId !== client.id)
    throw refuse(
      'ICS_ERR_AUTH_FORBIDDEN',
      'client-certificate-matches-token',
      `The client certificate names "${peer.clientId ?? ''}" but the token is "${client.id}"'s: send your own system's certificate and token together.`,
    );
}

const isoAt = isoOncePerMs();

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110 11.1). */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1] : undefined;
}

function decodeParams(names: string[], m: RegExpExecArray): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  try {
    names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]!);
    });
  } catch {
    return undefined;
  }
  return params;
}

const isRefusal = (err: unknown) => err instanceof ProblemError;

/** The request's body as the pipeline saw it: parsed (or the text that failed to parse), as sent, and where the service stored it. */
interface Seen {
  body?: unknown;
  text?: string;
  /** The body was valid, but only its text is here (it was prepared on the worker). */
  lazy?: boolean;
  ref?: BodyRef;
}

/** entry.requestBody as an accessor that parses the text the first time it is read (enumerable, like the value it stands for). */
function lazyRequestBody(entry: object, text: string): void {
  let value: unknown;
  let parsed = false;
  Object.defineProperty(entry, 'requestBody', {
    enumerable: true,
    configurable: true,
    get() {
      if (!parsed) {
        value = JSON.parse(text) as unknown;
        parsed = true;
      }
      return value;
    },
    set(v: unknown) {
      value = v;
      parsed = true;
    },
  });
}

function syncOnly<T>(value: T | Promise<T>): T {
  if (value instanceof Promise) throw new Error('a mutating handler must be synchronous (it runs inside a transaction)');
  return value;
}

/** Every pointer of the fault's match names a value in the body equal to the one given. */
export function faultMatches(match: Record<string, string>, body: unknown): boolean {
  return Object.entries(match).every(([pointer, want]) => {
    let v: unknown = body;
    for (const raw of pointer.split('/').slice(1)) {
      const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return false;
      v = (v as Record<string, unknown>)[k];
    }
    return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) === want;
  });
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function* replay(text: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

function describeFault(f: Fault): string {
  return [
    f.kind,
    f.status,
    f.retryAfterSeconds !== undefined ? `retry-after=${f.retryAfterSeconds}` : '',
    f.latencyMs ? `latency=${f.latencyMs}ms` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function verdictOf(r: CoreResponse, f: Fault | undefined): 'accepted' | 'rejected' | 'fault' | 'error' {
  if (f && (f.kind !== 'latency' || r.drop)) return 'fault';
  if (r.status >= 500) return 'error';
  if (r.status >= 400) return 'rejected';
  return 'accepted';
}

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && 'code' in v && 'status' in v;
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): CoreResponse {
  return { status: problem.status, headers: { ...headers, 'content-type': 'application/problem+json' }, body: problem };
}

function checkContentType(req: CoreRequest, expected: string, requirement: string): void {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const ok = ct === expected || (expected === 'application/json' && /^application\/[a-z0-9.+-]*\+json$/.test(ct));
  if (!ok)
    throw new ProblemError('ICS_ERR_HTTP_MEDIA_TYPE', {
      detail: `Content-Type must be ${expected}, got ${ct ? `"${ct}"` : 'none'}`,
      errors: [{ path: 'header:content-type', rule: 'content-type', requirement, message: `expected ${expected}` }],
    });
  // The interface takes bodies as sent (chunked or not), never compressed: say so rather than fail to parse them.
  const encoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding && encoding !== 'identity')
    throw new ProblemError('ICS_ERR_HTTP_MEDIA_TYPE', {
      detail: `Content-Encoding "${encoding.slice(0, 40)}" is not accepted: send the body uncompressed`,
      errors: [{ path: 'header:content-encoding', rule: 'content-encoding', requirement, message: 'bodies are not compressed (identity only)' }],
    });
}

export async function readLimited(body: AsyncIterable<Uint8Array> | null, limit: number, requirement: string, timeoutMs?: number): Promise<string> {
  if (!body) return '';
  // Node streams (the express adapter) are read through their events: an async iterator per request
  // costs more than the rest of reading a 1 KiB message.
  if (isEventStream(body)) {
    // The pipeline starts while node's parser is still in the request's head; a body that came with
    // it is all buffered once that read is done, a turn of microtasks later: taken whole, without
    // the four listeners (a tenth of reading a message).
    if (body.complete === false) await Promise.resolve();
    return takeWhole(body, limit, requirement) ?? readEvents(body, limit, requirement, timeoutMs);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge(limit, requirement);
    chunks.push(chunk);
  }
  return decodeChunks(chunks, size, requirement);
}

function tooLarge(limit: number, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_TOO_LARGE', {
    detail: `Body over ${limit} bytes`,
    errors: [{ path: '', rule: 'max-body-size', requirement, message: `body over ${limit} bytes` }],
  });
}

function timedOut(timeoutMs: number, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_TIMEOUT', {
    detail: `The body did not arrive whole within ${timeoutMs} ms`,
    errors: [{ path: '', rule: 'body-timeout', requirement, message: `body not complete within ${timeoutMs} ms` }],
  });
}

/** The client went away mid-body: a refusal to journal, not a fault of the mock's. */
function incomplete(detail: string, requirement: string): ProblemError {
  return new ProblemError('ICS_ERR_HTTP_INCOMPLETE', { detail, errors: [incompleteItem(detail, requirement)] });
}

function incompleteItem(message: string, requirement: string): ProblemItem {
  return { path: '', rule: 'complete-body', requirement, message };
}

/** One chunk (the usual message) is decoded in place; several are joined first. */
function decodeChunks(chunks: Uint8Array[], size: number, requirement: string): string {
  if (chunks.length === 1) {
    const c = chunks[0]!;
    return utf8Text(Buffer.from(c.buffer, c.byteOffset, c.byteLength), requirement);
  }
  return utf8Text(Buffer.concat(chunks, size), requirement);
}

/**
 * The body as text, refused when it is not UTF-8 (RFC 8259): decoding would store U+FFFD in place of
 * what was sent, and the stored message would not be the one the client sent.
 */
function utf8Text(buf: Buffer, requirement: string): string {
  if (!isUtf8(buf))
    throw new ProblemError('ICS_ERR_HTTP_MALFORMED_JSON', {
      detail: 'The body is not valid UTF-8',
      errors: [{ path: '', rule: 'utf-8', requirement, message: 'JSON must be sent as UTF-8; the body has bytes that are not' }],
    });
  return buf.toString('utf8');
}

interface EventStream extends AsyncIterable<Uint8Array> {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  resume(): unknown;
  readableEnded?: boolean;
  /** node's IncomingMessage: the parser has the whole message. */
  complete?: boolean;
  readableLength?: number;
  readableFlowing?: boolean | null;
  destroyed?: boolean;
  headers?: Record<string, string | string[] | undefined>;
  read?(): Uint8Array | null;
}

/** The whole body at once, when node's parser has it all and nothing has read it yet; else undefined. */
function takeWhole(s: EventStream, limit: number, requirement: string): string | undefined {
  if (s.destroyed || s.readableEnded || s.readableFlowing !== null || typeof s.read !== 'function') return undefined;
  const n = s.readableLength ?? 0;
  // Complete, or every byte its Content-Length declares is buffered: node runs microtasks between
  // the parser's callbacks, so a body that came in the same read as the head is often all here
  // before the parser has marked the message complete (so under load, nearly always).
  if (s.complete !== true && !(n > 0 && Number(s.headers?.['content-length']) === n)) return undefined;
  // Past the limit: the event path answers 413 (and the adapter closes the connection rather than read the rest).
  if (n > limit) return undefined;
  const chunk = s.read();
  // read() returns every buffered byte when it is all there; should it not have, read the rest by events.
  if ((chunk?.byteLength ?? 0) !== n) return undefined;
  return chunk ? utf8Text(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), requirement) : '';
}

function isEventStream(body: AsyncIterable<Uint8Array>): body is EventStream {
  const b = body as Partial<EventStream>;
  return typeof b.on === 'function' && typeof b.removeListener === 'function' && typeof b.resume === 'function';
}

function readEvents(s: EventStream, limit: number, requirement: string, timeoutMs?: number): Promise<string> {
  if (s.readableEnded) return Promise.resolve('');
  // A request whose client went away before its body was read can never produce one.
  if (s.destroyed) return Promise.reject(incomplete('the request closed before its body was read', requirement));
  return new Promise<string>((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    // A body trickled in a byte at a time would hold its socket and its buffer for as long as the client likes.
    const timer = timeoutMs ? setTimeout(() => settle(() => reject(timedOut(timeoutMs, requirement))), timeoutMs) : undefined;
    const settle = (fn: () => void) => {
      clearTimeout(timer);
      s.removeListener('data', onData);
      s.removeListener('end', onEnd);
      s.removeListener('error', onError);
      s.removeListener('close', onClose);
      fn();
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > limit) {
        // The rest is not read: the adapter answers 413 and closes the connection (a client could send gigabytes).
        settle(() => reject(tooLarge(limit, requirement)));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () =>
      settle(() => {
        try {
          resolve(decodeChunks(chunks, size, requirement));
        } catch (err) {
          reject(err);
        }
      });
    // node's only errors on a request are the client going away ('aborted', ECONNRESET).
    const onError = (err: Error) => settle(() => reject(incomplete(`the request failed before its body ended (${err.message})`, requirement)));
    const onClose = () => settle(() => reject(incomplete('the request closed before its body ended', requirement)));
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('error', onError);
    s.on('close', onClose);
  });
}

/** A faulted request is still journalled with what it carried, so retries can be compared with it. */
async function bodyForJournal(req: CoreRequest, limit: number, requirement: string): Promise<unknown> {
  try {
    const text = await readLimited(req.body, limit, requirement);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text.slice(0, JOURNAL_TEXT_LIMIT);
    }
  } catch {
    return undefined;
  }
}

async function* journalAfter(
  stream: AsyncIterable<string>,
  done: (summary: { streamed: true; lines: number; failed: number }, cutShort?: string) => void,
): AsyncIterable<string> {
  let lines = 0;
  let failed = 0;
  // Left set unless the answer is produced to its end: the client went away, or stopped reading.
  let cutShort: string | undefined = 'the client stopped reading the answer';
  try {
    for await (const chunk of stream) {
      // A chunk is a batch of result lines, not one line: count the lines and the refusals in it.
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
      for (let i = chunk.indexOf('"ok":false'); i >= 0; i = chunk.indexOf('"ok":false', i + 1)) failed++;
      yield chunk;
    }
    cutShort = undefined;
  } catch (err) {
    cutShort = `the upload ended before its last line (${(err as Error).message})`;
    throw err;
  } finally {
    done({ streamed: true, lines, failed }, cutShort);
  }
}
