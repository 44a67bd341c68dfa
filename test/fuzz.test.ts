/**
 * Fuzzing every operation of the served OpenAPI document (issue 7): malformed and edge inputs
 * generated with fast-check — random JSON of the wrong shape, near-misses derived from a valid body
 * (a required field dropped, a wrong type, an unknown field, a huge string, deep nesting,
 * `__proto__` / `constructor` keys, failed check digits, odd unicode), wrong content types, garbage
 * bytes, oversized bodies, odd path parameters and query strings, and missing, wrong or
 * under-permitted credentials.
 *
 * For every case: never a 5xx and never a crash; every 4xx is application/problem+json with
 * type, code and status; and a rejected request leaves the state exactly as it was. The state
 * fingerprint hashes every row of every table except the request journal (it records every
 * exchange, rejected or not) and the eCAF access audit (eCAF audits refused access by design).
 * ContactPoint's lookup audit is in the fingerprint: a lookup is audited only when it succeeds.
 *
 * Most cases run through the pipeline in-process (`mock.pipeline.handle`, fast); a smaller sample
 * goes over real HTTP to the express server on port 0, which must still answer /health.
 * ICS_FUZZ_RUNS (default 200) and ICS_FUZZ_HTTP_RUNS (default 20) set the cases per operation;
 * ICS_FUZZ_SEED replays a run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { startServer } from '../src/mock-server/server.js';
import type { CoreResponse, RouteDef } from '../src/platform/http.js';
import { MAX_BODY_BYTES } from '../src/platform/http.js';
import { inlineSchemaRefs } from '../src/platform/openapi.js';
import { MAX_PROBLEM_ITEMS } from '../src/platform/problem.js';
import { involvement, cafIndicator, testNhs } from './support/messages.js';

const RUNS = Number(process.env.ICS_FUZZ_RUNS ?? 200);
const HTTP_RUNS = Number(process.env.ICS_FUZZ_HTTP_RUNS ?? 20);
const SEED = process.env.ICS_FUZZ_SEED !== undefined ? Number(process.env.ICS_FUZZ_SEED) : undefined;
const CONTROL = 'fuzz-control-token';

// ---------------------------------------------------------------------------------------------
// The server, a session with Hannah's story in it, and the operations the server publishes
// ---------------------------------------------------------------------------------------------

const running = await startServer({ port: 0, controlToken: CONTROL });
const { mock } = running;
afterAll(() => running.close());
const { session, credentials } = mock.createSession({ name: 'fuzz', dataset: 'hannah' });
const SID = session.id;
const tokenOf = (clientId: string) => credentials.find((c) => c.clientId === clientId)!.token;
const NO_PERMISSIONS = tokenOf('no-permissions');

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  examples?: unknown[];
}

interface Op {
  operationId: string;
  method: string;
  path: string;
  route: RouteDef;
  pathParams: string[];
  query: Array<{ name: string; schema: JsonSchema; required: boolean }>;
  body?: { contentType: string; schema: JsonSchema };
}

// Schemas read in place: the document's shared ones are $refs into components.schemas.
const openapi = inlineSchemaRefs(
  (await (await fetch(`${running.url}/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          parameters?: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
  },
);
const routesById = new Map(mock.pipeline.routes.map((r) => [r.operationId, r]));
const OPS: Op[] = [];
for (const [path, methods] of Object.entries(openapi.paths)) {
  for (const [method, op] of Object.entries(methods)) {
    const route = routesById.get(op.operationId);
    if (!route) throw new Error(`the served OpenAPI names ${op.operationId}, which no route implements`);
    const params = op.parameters ?? [];
    const content = Object.entries(op.requestBody?.content ?? {})[0];
    OPS.push({
      operationId: op.operationId,
      method: method.toUpperCase(),
      path,
      route,
      pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
      query: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: p.required ?? false })),
      ...(content ? { body: { contentType: content[0], schema: content[1].schema } } : {}),
    });
  }
}

/** A client of the fuzz session holding the permission (the happy credential for that operation). */
function tokenFor(route: RouteDef): string | undefined {
  if (route.auth.kind === 'control') return CONTROL;
  if (route.auth.kind !== 'client') return undefined;
  const permission = route.auth.permission;
  const holder = credentials.find((c) => c.permissions.includes(permission));
  return holder?.token;
}

// ---------------------------------------------------------------------------------------------
// State fingerprint
// ---------------------------------------------------------------------------------------------

/** Written whatever the verdict: every exchange is journalled, and eCAF audits refused access. */
const VOLATILE_TABLES = new Set(['journal_pages', 'journal_meta', 'ecaf_audit']);
const db = mock.store.db;

const tableNames = db.prepare<[]>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck();
let readers: { schema: number; tables: Array<{ name: string; rows: ReturnType<typeof db.prepare<[]>> }> } | undefined;

function fingerprint(): string {
  // Statements are prepared again only when the schema changes.
  const schema = db.pragma('schema_version', { simple: true }) as number;
  if (readers?.schema !== schema)
    readers = {
      schema,
      tables: (tableNames.all() as string[])
        .filter((t) => !VOLATILE_TABLES.has(t))
        .map((name) => ({ name, rows: db.prepare<[]>(`SELECT * FROM "${name}"`).raw() })),
    };
  const h = createHash('sha256');
  for (const t of readers.tables) {
    h.update(`\u0000${t.name}\u0000`);
    for (const row of t.rows.iterate()) h.update(JSON.stringify(row));
  }
  return h.digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Plausible values: path parameters harvested from the state, valid bodies to mutate
// ---------------------------------------------------------------------------------------------

/** Values of every property called `name` anywhere in the control API's views of the session. */
async function harvest(): Promise<Map<string, string[]>> {
  const found = new Map<string, Set<string>>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === 'string' && x.length < 80) (found.get(k) ?? found.set(k, new Set()).get(k)!).add(x);
        walk(x);
      }
  };
  for (const op of OPS) {
    if (op.method !== 'GET' || op.route.service !== 'control' || !op.path.includes('{sessionId}') || op.pathParams.length !== 1) continue;
    if (op.operationId === 'getJournal') continue;
    const res = await mock.pipeline.handle(
      coreRequest({ method: 'GET', path: op.path.replace('{sessionId}', SID), query: {}, headers: { authorization: `Bearer ${CONTROL}` } }),
    );
    if (res.status === 200) walk(res.body);
  }
  found.set('sessionId', new Set([SID]));
  return new Map([...found].map(([k, s]) => [k, [...s]]));
}
const HARVEST = await harvest();

/** Every real value the session's views hold: IDs of every kind, for any parameter. */
const REAL_VALUES = [...new Set([...HARVEST.values()].flat())].filter((v) => v.length > 0 && v.length < 60);

/** A real ID, nearly: one character changed, cut, lengthened, re-cased, padded, or encoded. */
function nearly(values: string[]): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...values), fc.nat(7)).map(([v, how]) => {
    const last = v.charCodeAt(v.length - 1);
    switch (how) {
      case 0:
        return v.slice(0, -1) + String.fromCharCode(last === 48 ? 49 : last - 1);
      case 1:
        return v.slice(0, -1);
      case 2:
        return `${v}0`;
      case 3:
        return v.toLowerCase() === v ? v.toUpperCase() : v.toLowerCase();
      case 4:
        return ` ${v}`;
      case 5:
        return `${v}/`;
      case 6:
        return v.replace(/[0-9]/, (d) => String((Number(d) + 5) % 10));
      default:
        return `${v}\u0000`;
    }
  });
}

/** Control operations whose success would wipe or re-key the fuzz session: never given its real ID with a valid token. */
const DESTRUCTIVE = new Set(['deleteSession', 'resetSession', 'rotateCredentials']);

/** A minimal instance of a schema (valid where the schema is simple; near enough where it is not). */
function sample(s: JsonSchema, depth = 0): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.examples?.length) return s.examples[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return sample(alt[0]!, depth + 1);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((x) => sample(x, depth + 1)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s.properties ?? {})) if (depth < 6 && (s.required?.includes(k) ?? false)) out[k] = sample(v, depth + 1);
      return out;
    }
    case 'array':
      return s.minItems && s.items ? Array.from({ length: s.minItems }, () => sample(s.items!, depth + 1)) : [];
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      if (s.format === 'date-time') return '2026-11-20T10:00:00Z';
      if (s.format === 'date') return '2026-11-20';
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'email') return 'someone@example.org';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    default:
      return {};
  }
}

/** A valid body where the project has one to hand, else a schema sample. */
function baseBody(op: Op): unknown {
  switch (op.operationId) {
    case 'submitInvolvement':
      return involvement({ child: { identifiers: { nhsNumber: testNhs(700 + Math.floor(Math.random() * 200)) } } });
    case 'submitCafIndicator':
      return cafIndicator(involvement().child);
    default:
      return op.body ? sample(op.body.schema) : {};
  }
}

// ---------------------------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------------------------

interface Case {
  label: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: Uint8Array;
}

const enc = new TextEncoder();

function coreRequest(c: { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body?: Uint8Array }) {
  const bytes = c.body;
  return {
    method: c.method,
    path: c.path,
    query: c.query,
    headers: c.headers,
    body: (async function* () {
      if (bytes && bytes.byteLength > 0) yield bytes;
    })(),
  };
}

/** Every JSON pointer (as key arrays) of a value, the root included. */
function pathsOf(v: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => pathsOf(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...prefix, k], out);
  return out;
}

const DELETE = Symbol('delete');

function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value === DELETE ? {} : value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === DELETE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const getAt = (root: unknown, path: Array<string | number>): unknown =>
  path.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)?.[k], root);

const WRONG_TYPES: unknown[] = [0, -1, 1.5, 1e308, '', 'text', true, false, null, [], {}, [1, 'a'], { a: 1 }];
const ODD_STRINGS = [
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '🧒🏽‍🦱',
  '<script>alert(1)</script>',
  "'; DROP TABLE cp_children; --",
  '../../etc/passwd',
  '%00',
  '\r\n\r\nX-Injected: 1',
  ' ',
  'null',
  '9999999999',
];
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Breaks a check digit / check letter in the first identifier-looking string, if any. */
function breakCheckDigit(v: unknown): unknown | undefined {
  for (const p of pathsOf(v)) {
    const x = getAt(v, p);
    if (typeof x !== 'string') continue;
    if (/^\d{10}$/.test(x)) return setAt(v, p, x.slice(0, 9) + String((Number(x[9]) + 1) % 10));
    if (/^[A-Z]\d{12}$/.test(x)) return setAt(v, p, (x[0] === 'Z' ? 'A' : String.fromCharCode(x.charCodeAt(0) + 1)) + x.slice(1));
    if (/^CP\d{9}[A-Z0-9]$/.test(x)) return setAt(v, p, x.slice(0, 11) + (x[11] === 'A' ? 'B' : 'A'));
  }
  return undefined;
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** Near-misses of a valid body, as JSON text. */
function nearMiss(op: Op): fc.Arbitrary<{ label: string; text: string }> {
  return fc
    .record({
      kind: fc.integer({ min: 0, max: 9 }),
      pick: fc.nat(),
      extra: fc.jsonValue({ maxDepth: 2 }),
      odd: fc.constantFrom(...ODD_STRINGS),
      depth: fc.integer({ min: 33, max: 5000 }),
    })
    .map(({ kind, pick, extra, odd, depth }) => {
      const base = baseBody(op);
      const paths = pathsOf(base);
      const path = paths[pick % paths.length]!;
      const objectPaths = paths.filter((p) => {
        const x = getAt(base, p);
        return x !== null && typeof x === 'object' && !Array.isArray(x);
      });
      const objPath = objectPaths[pick % Math.max(1, objectPaths.length)] ?? [];
      const at = `/${path.join('/')}`;
      switch (kind) {
        case 0:
          return { label: `drop ${at}`, text: JSON.stringify(setAt(base, path, DELETE)) };
        case 1: {
          const cur = getAt(base, path);
          const others = WRONG_TYPES.filter((w) => typeof w !== typeof cur || Array.isArray(w) !== Array.isArray(cur));
          const wrong = others[pick % others.length];
          return { label: `wrong type at ${at}`, text: JSON.stringify(setAt(base, path, wrong)) };
        }
        case 2:
          return {
            label: `unknown field in /${objPath.join('/')}`,
            text: JSON.stringify(setAt(base, [...objPath, `unexpected_${pick % 97}`], extra)),
          };
        case 3:
          return { label: `huge string at ${at}`, text: JSON.stringify(setAt(base, path, 'A'.repeat(100_000 + (pick % 100_000)))) };
        case 4: {
          const text = JSON.stringify(setAt(base, path, '\u0001NEST\u0001'));
          return { label: `nesting ${depth} deep at ${at}`, text: text.replace('"\\u0001NEST\\u0001"', nested(depth)) };
        }
        case 5: {
          const key = FORBIDDEN_KEYS[pick % FORBIDDEN_KEYS.length]!;
          const text = JSON.stringify(setAt(base, [...objPath, '\u0001KEY\u0001'], { polluted: true }));
          return { label: `"${key}" key in /${objPath.join('/')}`, text: text.replace('"\\u0001KEY\\u0001"', JSON.stringify(key)) };
        }
        case 6: {
          const broken = breakCheckDigit(base);
          return broken !== undefined
            ? { label: 'failed check digit', text: JSON.stringify(broken) }
            : { label: `null at ${at}`, text: JSON.stringify(setAt(base, path, null)) };
        }
        case 7:
          return { label: `odd string ${JSON.stringify(odd)} at ${at}`, text: JSON.stringify(setAt(base, path, odd)) };
        case 8:
          return {
            label: `number edge at ${at}`,
            text: JSON.stringify(setAt(base, path, '\u0001NUM\u0001')).replace(
              '"\\u0001NUM\\u0001"',
              ['1e999', '-0', '1e-400', '9007199254740993', '-1'][pick % 5]!,
            ),
          };
        default:
          return { label: 'duplicate key', text: JSON.stringify(base).replace(/^\{/, '{"messageId":"not-a-uuid",') };
      }
    });
}

const GARBAGE: fc.Arbitrary<{ label: string; bytes: Uint8Array }> = fc.oneof(
  fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ label: 'random bytes', bytes })),
  fc
    .constantFrom('', 'null', '[]', '"a string"', '{', '{"a":', '{"a":1}}', '\ufeff{}', 'NaN', '{"a":1,}', "{'a':1}", '\u0000\u0000')
    .map((t) => ({ label: `text ${JSON.stringify(t)}`, bytes: enc.encode(t) })),
  fc.constant({ label: 'invalid UTF-8', bytes: new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }),
);

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  'application/x-ndjson',
  'application/json',
  '',
  '*/*',
  'application/jsonx',
];

/** The body (bytes, content type) of a case, for operations that take one. */
function bodyArb(op: Op): fc.Arbitrary<{ label: string; bytes?: Uint8Array; contentType?: string }> {
  const ct = op.body!.contentType;
  const stream = op.route.bodyKind === 'stream';
  const asBody = (label: string, text: string) => ({ label, bytes: enc.encode(stream ? `${text}\n` : text), contentType: ct });
  return fc.oneof(
    { weight: 4, arbitrary: nearMiss(op).map(({ label, text }) => asBody(label, text)) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => asBody('random JSON', JSON.stringify(v))) },
    { weight: 1, arbitrary: GARBAGE.map(({ label, bytes }) => ({ label, bytes, contentType: ct })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...WRONG_CONTENT_TYPES.filter((t) => t !== ct)).map((t) => ({
        label: `content-type "${t}"`,
        bytes: enc.encode(JSON.stringify(baseBody(op)) + (stream ? '\n' : '')),
        ...(t ? { contentType: t } : {}),
      })),
    },
    { weight: 1, arbitrary: fc.constant({ label: 'no body', contentType: ct }) },
    {
      // Over the documented limit (the bulk feed has a per-line limit instead, so its line is one huge line).
      weight: 1,
      arbitrary: fc.constant(null).map(() => asBody('oversized', `{"messageId":"${'A'.repeat(MAX_BODY_BYTES + 16)}"}`)),
    },
  );
}

const SPECIAL_SEGMENTS = [
  '',
  ' ',
  '..',
  '.',
  'null',
  'undefined',
  '0',
  '-1',
  'x'.repeat(2000),
  '%',
  '%ZZ',
  '%E0%A4%A',
  '%2F',
  'a%2Fb',
  '%00',
  '🧒',
  'CP000000001A',
  '00000000-0000-0000-0000-000000000000',
];

function pathArb(op: Op): fc.Arbitrary<string> {
  if (op.pathParams.length === 0) return fc.constant(op.path);
  const perParam = op.pathParams.map((name) => {
    const real = name === 'sessionId' && DESTRUCTIVE.has(op.operationId) ? [] : (HARVEST.get(name) ?? []);
    const options: Array<fc.Arbitrary<string>> = [
      fc.string({ minLength: 1, maxLength: 40 }).map((s) => encodeURIComponent(s)),
      fc.constantFrom(...SPECIAL_SEGMENTS).map((s) => (s === '' ? s : s.startsWith('%') || s.includes('%') ? s : encodeURIComponent(s))),
    ];
    if (real.length)
      options.push(
        fc.constantFrom(...real).map((s) => encodeURIComponent(s)),
        fc.constantFrom(...real).map((s) => encodeURIComponent(s)),
      );
    // Real IDs changed a little, and real IDs of another kind (a consent ID where an episode ID goes...).
    if (real.length) options.push(nearly(real).map((s) => encodeURIComponent(s)));
    const others = name === 'sessionId' ? [] : REAL_VALUES;
    if (others.length) options.push(fc.constantFrom(...others).map((s) => encodeURIComponent(s)));
    return fc.oneof(...options);
  });
  return fc.tuple(...perParam).map((values) => op.pathParams.reduce((p, name, i) => p.replace(`{${name}}`, values[i]!), op.path));
}

function queryArb(op: Op): fc.Arbitrary<Record<string, string>> {
  const valid: Record<string, string> = {};
  for (const q of op.query) if (q.name !== 'waitMs') valid[q.name] = String(sample(q.schema));
  // waitMs long-polls up to 30 s: never sent here (the journal tests cover it).
  const noWait = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'waitMs'));
  const names = op.query.map((q) => q.name).filter((n) => n !== 'waitMs');
  return fc.oneof(
    fc.constant(valid),
    // Real IDs, and near misses of them, as the values of the operation's own parameters.
    ...(names.length && REAL_VALUES.length
      ? [
          fc
            .dictionary(fc.constantFrom(...names), fc.oneof(fc.constantFrom(...REAL_VALUES), nearly(REAL_VALUES)), { maxKeys: names.length })
            .map((r) => ({ ...valid, ...r })),
        ]
      : []),
    fc
      .dictionary(
        fc.oneof(fc.constantFrom(...op.query.map((q) => q.name), 'unknown', '__proto__', 'constructor'), fc.string({ maxLength: 12 })),
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...ODD_STRINGS), fc.constant('9'.repeat(50))),
        { maxKeys: 4 },
      )
      .map(noWait),
    fc.record({ drop: fc.nat() }).map(({ drop }) => {
      const keys = Object.keys(valid);
      if (keys.length === 0) return {};
      const r = { ...valid };
      delete r[keys[drop % keys.length]!];
      return r;
    }),
  );
}

interface Creds {
  label: string;
  headers: Record<string, string>;
}

function credsArb(op: Op): fc.Arbitrary<Creds> {
  const token = tokenFor(op.route);
  const practitioner = op.route.auth.kind === 'client' && op.route.auth.practitioner;
  const good: Creds = {
    label: 'valid credentials',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(practitioner ? { 'practitioner-id': 'fuzz.practitioner' } : {}) },
  };
  const bad: Array<fc.Arbitrary<Creds>> = [
    fc.constant({ label: 'no credentials', headers: {} }),
    fc
      .constantFrom(
        'Bearer nope',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        'bearer ' + (token ?? 'x'),
        'Bearer ' + 'x'.repeat(5000),
        token ?? 'token-without-scheme',
        `Bearer ${CONTROL}x`,
      )
      .map((a) => ({ label: `authorization "${a.slice(0, 24)}"`, headers: { ...good.headers, authorization: a } })),
  ];
  if (op.route.auth.kind === 'client')
    bad.push(fc.constant({ label: 'client without the permission', headers: { ...good.headers, authorization: `Bearer ${NO_PERMISSIONS}` } }));
  if (op.route.auth.kind === 'control')
    bad.push(fc.constant({ label: 'a client token on the control API', headers: { authorization: `Bearer ${tokenOf('ics')}` } }));
  if (op.route.auth.kind === 'client')
    bad.push(fc.constant({ label: 'the control token on a national API', headers: { ...good.headers, authorization: `Bearer ${CONTROL}` } }));
  if (practitioner)
    bad.push(
      fc
        .constantFrom('', ' ', 'a b', 'x'.repeat(65), '<script>', 'ok\u0001')
        .map((p) => ({ label: `practitioner-id ${JSON.stringify(p)}`, headers: { ...good.headers, 'practitioner-id': p } })),
    );
  if (op.route.auth.kind === 'none') return fc.constant(good);
  return fc.oneof({ weight: 6, arbitrary: fc.constant(good) }, { weight: 4, arbitrary: fc.oneof(...bad) });
}

function caseArb(op: Op): fc.Arbitrary<Case> {
  const body = op.body
    ? bodyArb(op)
    : fc.oneof(
        fc.constant<{ label: string; bytes?: Uint8Array; contentType?: string }>({ label: 'no body' }),
        GARBAGE.map(({ label, bytes }) => ({ label: `unexpected body: ${label}`, bytes, contentType: 'application/json' })),
      );
  return fc.record({ path: pathArb(op), query: queryArb(op), creds: credsArb(op), body }).map(({ path, query, creds, body: b }) => ({
    label: [
      creds.label,
      b.label,
      Object.keys(query).length ? `query ${JSON.stringify(query)}` : '',
      path !== op.path ? `path ${path.slice(0, 120)}` : '',
    ]
      .filter(Boolean)
      .join('; '),
    method: op.method,
    path,
    query,
    headers: { ...creds.headers, ...(b.contentType ? { 'content-type': b.contentType } : {}) },
    ...(b.bytes ? { body: b.bytes } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------
// Judging one answer
// ---------------------------------------------------------------------------------------------

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
}

async function answerOf(res: CoreResponse): Promise<Answer> {
  let text = '';
  if (res.stream) for await (const chunk of res.stream) text += chunk;
  else if (typeof res.body === 'string') text = res.body;
  else if (res.body !== undefined) text = JSON.stringify(res.body);
  return { status: res.status, contentType: res.headers['content-type'] ?? '', body: res.stream ? undefined : res.body, text };
}

let baseline = fingerprint();

/** Undo what an accepted control request did that would disturb the cases after it. */
function tidyAfterSuccess(op: Op): void {
  if (op.operationId === 'addFault') mock.sessions.setFaults(SID, []);
  if (op.operationId === 'setClock') mock.sessions.setClock(SID, { offsetMs: 0, frozenAt: null });
}

/** Status counts per operation; ICS_FUZZ_STATS=1 prints them at the end. */
const stats = new Map<string, Record<number, number>>();
afterAll(() => {
  if (process.env.ICS_FUZZ_STATS) for (const [op, s] of stats) console.log(op.padEnd(30), JSON.stringify(s));
});

function judge(op: Op, c: Case, a: Answer): void {
  const counts = stats.get(op.operationId) ?? stats.set(op.operationId, {}).get(op.operationId)!;
  counts[a.status] = (counts[a.status] ?? 0) + 1;
  const where = `${op.operationId} (${c.label}) answered ${a.status}: ${a.text.slice(0, 300)}`;
  expect(a.status, where).toBeGreaterThanOrEqual(200);
  expect(a.status, where).toBeLessThan(500);
  if (a.status >= 400) {
    expect(a.contentType.split(';')[0], where).toBe('application/problem+json');
    const p = (a.body ?? JSON.parse(a.text)) as { type?: unknown; code?: unknown; status?: unknown };
    expect(typeof p.type, where).toBe('string');
    expect(typeof p.code, where).toBe('string');
    expect(p.status, where).toBe(a.status);
    expect(fingerprint(), `state changed after a rejection: ${where}`).toBe(baseline);
    return;
  }
  // A streamed bulk answer with every line refused is a rejection too: nothing may have been stored.
  if (op.route.bodyKind === 'stream' && a.text.length > 0 && !a.text.includes('"ok":true')) {
    expect(fingerprint(), `state changed though every line was refused: ${where}`).toBe(baseline);
    return;
  }
  tidyAfterSuccess(op);
  baseline = fingerprint();
}

// ---------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
afterAll(() => agent.destroy());
const server = new URL(running.url);

/** Header values node:http refuses to send (control characters) are for the in-process cases only. */
const sendable = (c: Case) => Object.values(c.headers).every((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v));

function overHttp(c: Case): Promise<Answer> {
  const search = new URLSearchParams(c.query).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: server.hostname,
        port: server.port,
        method: c.method,
        path: c.path + (search ? `?${search}` : ''),
        // node:http sends a GET or DELETE body without a length unless told: the server would read it as the next request.
        headers: { ...c.headers, ...(c.body ? { 'content-length': String(c.body.byteLength) } : {}) },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(c.body);
  });
}

const params = (runs: number) => ({ numRuns: runs, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true });

describe(`fuzz: every operation of GET /openapi.json (${OPS.length} operations, ${RUNS} in-process + ${HTTP_RUNS} HTTP cases each)`, () => {
  it('covers every operation the server publishes', () => {
    expect(OPS.length).toBeGreaterThanOrEqual(20);
    expect(new Set(OPS.map((o) => o.operationId)).size).toBe(OPS.length);
  });

  for (const op of OPS) {
    it(`${op.operationId}: ${op.method} ${op.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(caseArb(op), async (c) => {
          judge(op, c, await answerOf(await mock.pipeline.handle(coreRequest(c))));
        }),
        params(RUNS),
      );
      await fc.assert(
        fc.asyncProperty(caseArb(op), async (c) => {
          fc.pre(sendable(c));
          judge(op, c, await overHttp(c));
        }),
        params(HTTP_RUNS),
      );
      const health = await overHttp({ label: 'health', method: 'GET', path: '/health', query: {}, headers: {} });
      expect(health.status).toBe(200);
    });
  }

  it('kept the journal within its bounds: refused bodies cut and budgeted, problem lists capped', () => {
    const entries = mock.journal.list(SID, { limit: 1_000_000 }).entries;
    expect(entries.length).toBeGreaterThan(OPS.length);
    let refusedBytes = 0;
    for (const e of entries) {
      const where = `${e.operationId} #${e.seq}`;
      expect(e.problems?.length ?? 0, where).toBeLessThanOrEqual(MAX_PROBLEM_ITEMS);
      if (e.verdict !== 'rejected' || e.requestBody === undefined) continue;
      const bytes = Buffer.byteLength(typeof e.requestBody === 'string' ? e.requestBody : JSON.stringify(e.requestBody));
      // The cut keeps whole characters, and an ellipsis after them.
      expect(bytes, where).toBeLessThanOrEqual(mock.journal.budget.entryBytes + 3);
      refusedBytes += bytes;
    }
    expect(refusedBytes).toBeLessThanOrEqual(mock.journal.budget.sessionBytes + entries.length * 3);
  });
});
