/**
 * One request pipeline for every adapter, as its stages: match the route; authenticate (./auth.ts);
 * take a fault (./faults.ts); parse the body (./body.ts) and validate it; run the handler
 * (group-committed when it changes state); answer problem+json on a refusal; journal the exchange
 * (./exchange-journal.ts). The express and msw adapters only translate requests and responses.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { compilePath, MAX_BODY_BYTES, type CoreRequest, type CoreResponse, type HandlerContext, type HandlerResult, type RouteDef } from './http.js';
import { ProblemError, problemResponse } from './problem.js';
import { parseUntrustedJson } from './safe-json.js';
import { assertValid, validator } from './validate.js';
import type { Journal } from './journal.js';
import type { Sessions, SessionContext, Client, Fault } from './sessions.js';
import { isStorageFull, type Store } from './store.js';
import { inlinePreparers, type PrepareRunner } from './offload.js';
import { registerFormats } from './schema.js';
import type { ServiceDescriptor } from './service.js';
import { isoOncePerMs } from './clock.js';
import { authenticate, type AuthDeps } from './auth.js';
import { applyFault, takeFault } from './faults.js';
import { bodyForJournal, checkContentType, JOURNAL_TEXT_LIMIT, parseOrUndefined, readLimited, replay } from './body.js';
import { journalExchange, type Seen } from './exchange-journal.js';

export { problemResponse } from './problem.js';
export { readLimited } from './body.js';
export { faultMatches } from './faults.js';

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

  /** What authentication reads, made once (not per request). */
  private readonly auth: AuthDeps;

  constructor(
    readonly routes: RouteDef[],
    private readonly deps: PipelineDeps,
  ) {
    this.preparers = deps.preparers ?? inlinePreparers;
    this.services = new Map((deps.services ?? []).map((s) => [s.name, s]));
    this.auth = { sessions: deps.sessions, controlToken: deps.controlToken, mtls: deps.mtls, services: this.services };
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
      ({ client, session, practitionerId } = authenticate(this.auth, route, params, req, known));
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
        fault = takeFault(this.deps.sessions, session, route.operationId, parsed);
      }
      const early = fault ? await applyFault(fault) : undefined;
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
    return journalExchange(this.deps.journal, this.services.has(route.service), route, req, response, {
      at,
      started,
      client,
      session,
      practitionerId,
      seen,
      fault,
    });
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
}

const isoAt = isoOncePerMs();

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

function syncOnly<T>(value: T | Promise<T>): T {
  if (value instanceof Promise) throw new Error('a mutating handler must be synchronous (it runs inside a transaction)');
  return value;
}
