/**
 * The OpenAPI 3.1 document, built from the route tables: the code and the contract cannot drift.
 * Shared schemas are hoisted into `components.schemas` and referenced with `$ref`, and the marked
 * JSON examples of docs/interface/*.md are attached to the operations they illustrate (decision 0026).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_BODY_BYTES, type RouteDef } from './http.js';
import { ProblemSchema } from './problem-schema.js';

/** An OpenAPI tag: a service's name and description, or the control API's. */
export interface OpenApiTag {
  name: string;
  description: string;
}

export interface OpenApiOptions {
  /** The document's info.summary and info.description: what the services are. */
  info?: { summary: string; description: string };
  /** The published tags, in order: a route is published under its service's tag, and a route of no tag (the docs' own) is not. */
  tags?: OpenApiTag[];
  /** Schemas by the name they take under `components.schemas` (the services' exported schemas). */
  schemas?: Record<string, unknown>;
  /** Examples to attach; by default those of the package's docs/interface/*.md. */
  examples?: DocExample[];
}

/** A marked JSON example of an interface document. */
export interface DocExample {
  /** The schema it illustrates, by its exported name (`Problem`: the problem+json schema). */
  schema: string;
  value: unknown;
  /** Where it comes from, e.g. `docs/interface/contactpoint.md:188`, and the heading above it. */
  source: string;
  heading: string;
  /** The service whose document it is in (the file's base name). */
  service: string;
}

/** Both markings the documents use: ```json Name, and <!-- schema: Name --> before a ```json block. */
const MARKED = [
  /^```json[ \t]+(\w+)[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm,
  /<!--[ \t]*schema:[ \t]*(\w+)[ \t]*-->[ \t]*\r?\n```json[ \t]*\r?\n([\s\S]*?)^```[ \t]*$/gm,
];

export function readDocExamples(dir = interfaceDocsDir()): DocExample[] {
  if (!dir) return [];
  const out: DocExample[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const found: Array<DocExample & { at: number }> = [];
    for (const re of MARKED)
      for (const m of text.matchAll(re)) {
        const before = text.slice(0, m.index);
        const line = before.split('\n').length;
        const heading = [...before.matchAll(/^#{1,6}[ \t]+(.+)$/gm)].pop()?.[1]?.trim() ?? file;
        found.push({
          at: m.index,
          schema: m[1]!,
          value: JSON.parse(m[2]!),
          source: `docs/interface/${file}:${line}`,
          heading,
          service: basename(file, '.md'),
        });
      }
    out.push(...found.sort((a, b) => a.at - b.at).map(({ at: _at, ...e }) => e));
  }
  return out;
}

/** docs/interface of this package: beside src/ in a checkout, beside dist/ once installed. */
function interfaceDocsDir(): string | undefined {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ;) {
    if (existsSync(join(dir, 'package.json'))) return existsSync(join(dir, 'docs/interface')) ? join(dir, 'docs/interface') : undefined;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;
const PERMISSION_NOTE = (p: string) => `Requires a client token with permission \`${p}\`.`;

export function buildOpenApi(routes: RouteDef[], version: string, opts: OpenApiOptions = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const routeOf = new Map<Record<string, unknown>, RouteDef>();
  const tags = opts.tags ?? [];
  const published = new Set(tags.map((t) => t.name));
  for (const r of routes) {
    if (!published.has(r.service)) continue;
    const params: unknown[] = [];
    for (const name of [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)) {
      params.push({ name, in: 'path', required: true, schema: clean(r.params?.[name] ?? { type: 'string' }) });
    }
    const q = r.query as { properties?: Record<string, unknown>; required?: string[] } | undefined;
    for (const [name, schema] of Object.entries(q?.properties ?? {})) {
      params.push({ name, in: 'query', required: q?.required?.includes(name) ?? false, schema: clean(schema) });
    }
    if (r.auth.kind === 'client' && r.auth.practitioner)
      params.push({
        name: 'Practitioner-Id',
        in: 'header',
        required: true,
        description: 'The practitioner on whose behalf the request is made (audited).',
        schema: { type: 'string', pattern: '^[A-Za-z0-9._@:-]{1,64}$' },
      });
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(r.responses)) {
      const ct = doc.contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json');
      responses[status] = {
        description: doc.description,
        ...(doc.schema || Number(status) >= 400 ? { content: { [ct]: { schema: clean(doc.schema ?? ProblemSchema) } } } : {}),
      };
    }
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      description: [
        r.description,
        r.auth.kind === 'client' ? PERMISSION_NOTE(r.auth.permission) : r.auth.kind === 'control' ? 'Requires the control token.' : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: [r.service],
      'x-requirement': r.requirement,
      security: r.auth.kind === 'none' ? [] : [{ [r.auth.kind === 'control' ? 'controlToken' : 'clientToken']: [] }],
      ...(params.length ? { parameters: params } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              ...(r.bodyKind === 'stream'
                ? {}
                : {
                    description: `At most ${r.maxBodyBytes ?? MAX_BODY_BYTES} bytes (${mib(r.maxBodyBytes ?? MAX_BODY_BYTES)}); a larger body is refused with 413.`,
                  }),
              content: { [r.bodyKind === 'stream' ? (r.bodyContentType ?? 'application/x-ndjson') : 'application/json']: { schema: clean(r.body) } },
            },
            ...(r.bodyKind === 'stream' ? {} : { 'x-max-body-bytes': r.maxBodyBytes ?? MAX_BODY_BYTES }),
          }
        : {}),
      responses,
    };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
    routeOf.set(op, r);
  }
  const named = { Problem: ProblemSchema, ...opts.schemas };
  const examples = attachExamples(paths, routeOf, named, opts.examples ?? readDocExamples());
  const schemas = hoistSchemas(paths, named);
  return {
    openapi: '3.1.0',
    info: {
      title: 'ics-conformance mock national services',
      version,
      ...opts.info,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    // Relative: the server (or --public-url) this document was fetched from, whatever its address.
    servers: [
      { url: '/', description: 'The server this document was fetched from' },
      { url: 'http://127.0.0.1:4010', description: '`ics-conformance serve` on its default address' },
    ],
    tags: tags.map((t) => ({ name: t.name, description: t.description })),
    components: {
      schemas,
      examples,
      securitySchemes: {
        clientToken: { type: 'http', scheme: 'bearer', description: "A registered source system's or client's token; it also selects the session." },
        controlToken: { type: 'http', scheme: 'bearer', description: 'The control token printed by `ics-conformance serve`.' },
      },
    },
    paths,
  };
}

/** Plain JSON (TypeBox's symbol keys vanish); drops ajv-only keywords that OpenAPI tools may not know. */
function clean(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const MEDIA = (op: Json): Array<{ media: Json; status?: string }> => [
  ...Object.values((op.requestBody as Json | undefined)?.content ?? {}).map((media) => ({ media: media as Json })),
  ...Object.entries(op.responses as Record<string, Json>).flatMap(([status, res]) =>
    Object.values(res.content ?? {}).map((media) => ({ media: media as Json, status })),
  ),
];

/**
 * Puts every example under `components.examples` and references it from each media type whose
 * schema is the one the example names. A problem example goes to the responses of its status in
 * its document's service, and only of operations with its requirement (else it would claim, say, a
 * consent refusal for every 403).
 */
function attachExamples(
  paths: Record<string, Record<string, unknown>>,
  routeOf: Map<Json, RouteDef>,
  named: Record<string, unknown>,
  examples: DocExample[],
): Record<string, Json> {
  const out: Record<string, Json> = {};
  const nameOfJson = new Map(Object.entries(named).map(([name, schema]) => [JSON.stringify(clean(schema)), name]));
  for (const [i, ex] of examples.entries()) {
    const key = `${ex.service}-${ex.schema}-${i + 1}`;
    out[key] = { summary: `${ex.heading} (${ex.source})`, value: ex.value };
    const problem = ex.schema === 'Problem' && isObj(ex.value) ? ex.value : undefined;
    for (const op of Object.values(paths).flatMap((item) => Object.values(item) as Json[])) {
      const route = routeOf.get(op)!;
      if (problem && (route.service !== ex.service || route.requirement !== problem.requirement)) continue;
      for (const { media, status } of MEDIA(op)) {
        if (problem && status !== String(problem.status)) continue;
        // The schema itself, or a branch of it (a lookup answers a full or a restricted record).
        const schema = media.schema as Json;
        const options = [schema, ...((schema.oneOf ?? schema.anyOf ?? []) as unknown[])];
        if (!options.some((o) => nameOfJson.get(JSON.stringify(o)) === ex.schema)) continue;
        ((media.examples ??= {}) as Json)[key] = { $ref: `#/components/examples/${key}` };
      }
    }
  }
  return out;
}

/** Where a JSON Schema keeps its subschemas: under these keys, as one schema, a list or a map. */
const ONE = ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems'];
const MANY = ['oneOf', 'anyOf', 'allOf', 'prefixItems'];
const MAP = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];

function* children(schema: Json): Generator<{ hint: string; get: () => unknown; set: (v: unknown) => void }> {
  for (const k of ONE) if (isObj(schema[k])) yield { hint: k === 'items' ? 'Item' : '', get: () => schema[k], set: (v) => (schema[k] = v) };
  for (const k of MANY)
    if (Array.isArray(schema[k]))
      for (const [i, _] of (schema[k] as unknown[]).entries())
        yield { hint: '', get: () => (schema[k] as unknown[])[i], set: (v) => ((schema[k] as unknown[])[i] = v) };
  for (const k of MAP)
    if (isObj(schema[k]))
      for (const p of Object.keys(schema[k])) yield { hint: p, get: () => (schema[k] as Json)[p], set: (v) => ((schema[k] as Json)[p] = v) };
}

const pascal = (s: string) => s.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
/** Big enough to be worth a name when it is repeated; smaller ones stay inline where they are read. */
const HOIST_MIN_CHARS = 160;

/**
 * Replaces, in place, every named schema and every sizeable repeated subschema of the operations
 * with a `$ref` to `components.schemas`, and returns those components (themselves using `$ref`s).
 * Names: the services' export names; otherwise the schema's title or the property it was first
 * met under, made unique.
 */
function hoistSchemas(paths: Record<string, Record<string, unknown>>, named: Record<string, unknown>): Record<string, unknown> {
  const roots: Array<{ hint: string; get: () => unknown; set: (v: unknown) => void }> = [];
  for (const item of Object.values(paths))
    for (const op of Object.values(item) as Json[]) {
      const base = pascal(String(op.operationId));
      for (const p of (op.parameters ?? []) as Json[])
        roots.push({ hint: `${base}${pascal(String(p.name))}`, get: () => p.schema, set: (v) => (p.schema = v) });
      for (const { media, status } of MEDIA(op))
        roots.push({ hint: `${base}${status ? `Response${status}` : 'Request'}`, get: () => media.schema, set: (v) => (media.schema = v) });
    }

  const nameOfJson = new Map<string, string>();
  for (const [name, schema] of Object.entries(named)) {
    const text = JSON.stringify(clean(schema));
    if (text.length > 2 && !nameOfJson.has(text)) nameOfJson.set(text, name);
  }
  // Count every subschema (by its JSON text) and remember a name hint from where it is first met.
  const seen = new Map<string, { count: number; hint: string }>();
  const count = (schema: unknown, hint: string) => {
    if (!isObj(schema)) return;
    const text = JSON.stringify(schema);
    const s = seen.get(text);
    if (s) s.count++;
    else seen.set(text, { count: 1, hint: typeof schema.title === 'string' ? pascal(schema.title) : hint });
    for (const c of children(schema)) count(c.get(), pascal(c.hint) ? (c.hint === 'Item' ? `${hint}Item` : pascal(c.hint)) : hint);
  };
  for (const r of roots) count(r.get(), r.hint);

  const taken = new Set(nameOfJson.values());
  const refOf = new Map(nameOfJson);
  for (const [text, { count: n, hint }] of seen) {
    if (refOf.has(text) || n < 2 || text.length < HOIST_MIN_CHARS) continue;
    let name = hint || 'Schema';
    for (let i = 2; taken.has(name); i++) name = `${hint || 'Schema'}${i}`;
    taken.add(name);
    refOf.set(text, name);
  }

  const components: Record<string, unknown> = {};
  const replace = (schema: unknown, isRoot: boolean): unknown => {
    if (!isObj(schema)) return schema;
    const text = JSON.stringify(schema);
    const name = refOf.get(text);
    if (name && !isRoot) {
      if (!(name in components)) {
        components[name] = {}; // taken before recursing, so a self-similar schema cannot loop
        components[name] = replace(JSON.parse(text), true);
      }
      return { $ref: `#/components/schemas/${name}` };
    }
    for (const c of children(schema)) c.set(replace(c.get(), false));
    return schema;
  };
  for (const r of roots) r.set(replace(r.get(), false));
  return Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b)));
}

/** `node` with every `#/components/schemas/...` reference replaced by the schema it names. */
export function resolveSchemaRefs(node: unknown, schemas: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((n) => resolveSchemaRefs(n, schemas));
  if (!isObj(node)) return node;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/schemas/')) {
    const name = node.$ref.slice('#/components/schemas/'.length);
    if (!(name in schemas)) throw new Error(`unresolved $ref ${node.$ref}`);
    return resolveSchemaRefs(schemas[name], schemas);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolveSchemaRefs(v, schemas)]));
}

/**
 * The document with its paths' schema references inlined, for tools (and tests) that read
 * schemas in place. The input is not changed.
 */
export function inlineSchemaRefs<T extends { paths: unknown }>(doc: T): T {
  const schemas = (((doc as Json).components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  return { ...doc, paths: resolveSchemaRefs(doc.paths, schemas) };
}
