/**
 * The runtime-agnostic HTTP surface. A service describes its operations once, as a route table;
 * the express and msw adapters both turn that table into handlers and run them through one pipeline.
 */
import type { Static, TSchema } from './schema.js';
import type { SessionContext } from './sessions.js';
import type { Client } from './sessions.js';
import type { Preparer, PrepareResult } from './offload.js';
import type { FieldTable } from './rules.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Documented limit for a JSON body, unless the operation sets its own (RouteDef.maxBodyBytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What an adapter hands the pipeline. The body is a byte stream so bulk uploads never sit in memory whole. */
export interface CoreRequest {
  method: string;
  /** Path without query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  body: AsyncIterable<Uint8Array> | null;
  /** The TLS peer, when the request came over HTTPS (mutual TLS mode); absent over plain HTTP and msw. */
  tls?: PeerIdentity;
  /** A JSON body must have arrived whole this long after the pipeline starts reading it (408 past it); the adapter's limit. */
  bodyTimeoutMs?: number;
}

/** What the TLS handshake learnt of the client certificate. The pipeline, not the handshake, decides. */
export interface PeerIdentity {
  /** The client sent a certificate at all. */
  presented: boolean;
  /** It chains to the server's trusted CA (and is in date). */
  authorized: boolean;
  /** The client ID the certificate names (SAN URI urn:ics-conformance:client:<id>, else the subject CN). */
  clientId?: string;
  /** OpenSSL's reason when not authorized, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE. */
  error?: string;
}

export interface CoreResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON value, a text body, or an NDJSON stream. */
  body?: unknown;
  /** The JSON body as text, when the handler already had it (sent as is instead of serialising body again). */
  json?: string;
  stream?: AsyncIterable<string>;
  /** Drop the connection without answering (fault injection). */
  drop?: boolean;
}

export type Auth =
  /** A registered source system or practitioner-facing client: Bearer token, permission checked. */
  | { kind: 'client'; permission: string; practitioner?: boolean }
  /**
   * The control API: the server's control token, or a session's own control token on routes of
   * that session (`{sessionId}` in the path, or `ownSession`: the token's session); `serverOnly`
   * routes take the server's token alone.
   */
  | { kind: 'control'; ownSession?: boolean; serverOnly?: boolean }
  | { kind: 'none' };

export interface HandlerContext<B = unknown> {
  body: B;
  /** The JSON text body was parsed from (JSON bodies): valid, checked, and equal in meaning to body. */
  bodyText?: string | undefined;
  query: Record<string, string>;
  params: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Set for client-authenticated operations. */
  client: Client | undefined;
  practitionerId: string | undefined;
  /** Session-scoped state: set for client auth (the token's session) and for /sessions/{sessionId} control routes. */
  session: SessionContext | undefined;
  /** Raw body stream, for operations with bodyKind 'stream'. */
  stream: AsyncIterable<Uint8Array> | null;
  /** Runs a preparer over texts (a bulk upload's lines): on the prepare worker when there is one. */
  prepare<P>(p: Preparer<never, P>, texts: string[]): Promise<Array<PrepareResult<P>>>;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  /** `body` already serialised, equal in meaning: answered and journalled as is. */
  json?: string;
  stream?: AsyncIterable<string>;
  headers?: Record<string, string>;
  /**
   * The service has stored the request body as sent, under this reference: the journal keeps the
   * reference instead of a second copy (a registered body source reads it back; Journal.bodySource).
   */
  journalBody?: BodyRef;
}

/** Where a service keeps a request body: a registered source name and a position in it. */
export interface BodyRef {
  source: string;
  ref: number;
}

export interface ResponseDoc {
  description: string;
  schema?: TSchema;
  contentType?: string;
}

export interface RouteDef {
  operationId: string;
  method: Method;
  /** OpenAPI-style path: /<service>/v1/children/{childId} */
  path: string;
  /**
   * A service's name (ServiceModule.name): its operations take faults and are journalled. Any other
   * name is the server's own (its control API, its docs), which the pipeline runs but never journals.
   */
  service: string;
  summary: string;
  description?: string;
  auth: Auth;
  /** The requirement that schema failures on this operation break (without `fields`), and its other refusals. */
  requirement: string;
  /** The requirement of each body schema failure, by the field it is at (the service's field table, src/platform/rules.ts); a preparer names its own. */
  fields?: FieldTable;
  body?: TSchema;
  /**
   * The largest JSON body this operation takes, when a documented batch needs more than the
   * default (MAX_BODY_BYTES): past it, 413. Published as x-max-body-bytes.
   */
  maxBodyBytes?: number;
  /** json (default when body is set) or a raw stream (NDJSON bulk). */
  bodyKind?: 'json' | 'stream';
  /**
   * Parse, validate and turn the body into the handler's input in one pure step that may run on the
   * prepare worker (docs/decisions/0009): the handler's `body` is then what the preparer returns.
   * Its schema must be `body`.
   */
  preparer?: Preparer<never, unknown>;
  bodyContentType?: string;
  query?: TSchema;
  params?: Record<string, TSchema>;
  /** Operations that change state run inside a group-committed transaction. */
  mutates?: boolean;
  /**
   * The handler throws its ProblemErrors before its first write, so the group commit needs no
   * savepoint to undo a refusal (see Store.commit). Only with `mutates`.
   */
  refusesBeforeWriting?: boolean;
  responses: Record<number, ResponseDoc>;
  handler: (ctx: HandlerContext<never>) => HandlerResult | Promise<HandlerResult>;
}

/** The names of a path's `{parameters}`. */
export type PathParams<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | PathParams<Rest> : never;

/** What the handler of a route with a body schema S (and a preparer answering R, if any) gets as its body. */
export type BodyOf<S, R> = [R] extends [never] ? (S extends TSchema ? Static<S> : undefined) : R;

/**
 * The handler's context as its route guarantees it (the pipeline answers 401/403/404 before the
 * handler otherwise): a client-authenticated route has its client and session, and its practitioner
 * when it requires one; a control route whose path names `{sessionId}` has that session; every path
 * parameter is there; the body is the schema's type, or the preparer's result.
 */
export type RouteContext<A extends Auth, P extends string, B, R = never, Q = undefined> = Omit<
  HandlerContext<B>,
  'client' | 'session' | 'practitionerId' | 'params' | 'bodyText' | 'query'
> & {
  params: Record<PathParams<P>, string>;
  /** The query string, as its schema has checked it. */
  query: Q extends TSchema ? Static<Q> : Record<string, string>;
  /** Always there for a preparer's route (its body is JSON); for other routes, with a JSON body. */
  bodyText: [R] extends [never] ? string | undefined : string;
} & (A extends { kind: 'client' }
    ? { client: Client; session: SessionContext; practitionerId: A extends { practitioner: true } ? string : string | undefined }
    : {
        client: undefined;
        practitionerId: undefined;
        session: A extends { kind: 'control' }
          ? P extends `${string}{sessionId}${string}`
            ? SessionContext
            : SessionContext | undefined
          : undefined;
      });

/** A route whose handler's context is typed from its auth, path, body schema and preparer (RouteContext). */
export function route<
  const A extends Auth,
  const P extends string,
  S extends TSchema | undefined = undefined,
  R = never,
  Q extends TSchema | undefined = undefined,
>(
  def: Omit<RouteDef, 'handler' | 'auth' | 'path' | 'body' | 'preparer' | 'query'> & {
    auth: A;
    path: P;
    body?: S;
    preparer?: Preparer<never, R>;
    query?: Q;
    handler: (ctx: RouteContext<A, P, BodyOf<S, R>, R, Q>) => HandlerResult | Promise<HandlerResult>;
  },
): RouteDef {
  // The pipeline builds the context RouteContext describes, by the route's auth (Pipeline.authenticate),
  // path and schema: the one place the narrowing is taken on trust.
  return def as unknown as RouteDef;
}

export function json(status: number, body: unknown, headers?: Record<string, string>): HandlerResult {
  return headers ? { status, body, headers } : { status, body };
}

/** A response's body as sent: its JSON text (as the handler had it, or serialised now), or a text body as is. */
export function responseText(out: CoreResponse): string {
  if (out.body === undefined) return '';
  if (out.json !== undefined) return out.json;
  return typeof out.body === 'string' && !(out.headers['content-type'] ?? '').includes('json') ? out.body : JSON.stringify(out.body);
}

/** Compiles "/a/{b}/c" into a matcher. */
export function compilePath(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const src = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, n: string) => {
    names.push(n);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${src}/?$`), names };
}
