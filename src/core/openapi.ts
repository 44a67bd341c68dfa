/** The OpenAPI 3.1 document, built from the route tables: the code and the contract cannot drift. */
import { MAX_BODY_BYTES, type RouteDef } from './http.js';
import { ProblemSchema } from './problem-schema.js';

const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;
const PERMISSION_NOTE = (p: string) => `Requires a client token with permission \`${p}\`.`;

export function buildOpenApi(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.service === 'meta') continue;
    const params: unknown[] = [];
    for (const name of [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)) {
      params.push({ name, in: 'path', required: true, schema: clean(r.params?.[name] ?? { type: 'string' }) });
    }
    const q = r.query as { properties?: Record<string, unknown>; required?: string[] } | undefined;
    for (const [name, schema] of Object.entries(q?.properties ?? {})) {
      params.push({ name, in: 'query', required: q?.required?.includes(name) ?? false, schema: clean(schema) });
    }
    if (r.auth.kind === 'client' && r.auth.practitioner)
      params.push({ name: 'Practitioner-Id', in: 'header', required: true, description: 'The practitioner on whose behalf the request is made (audited).', schema: { type: 'string', pattern: '^[A-Za-z0-9._@:-]{1,64}$' } });
    const responses: Record<string, unknown> = {};
    for (const [status, doc] of Object.entries(r.responses)) {
      const ct = doc.contentType ?? (Number(status) >= 400 ? 'application/problem+json' : 'application/json');
      responses[status] = { description: doc.description, ...(doc.schema || Number(status) >= 400 ? { content: { [ct]: { schema: clean(doc.schema ?? ProblemSchema) } } } : {}) };
    }
    const op: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      description: [r.description, r.auth.kind === 'client' ? PERMISSION_NOTE(r.auth.permission) : r.auth.kind === 'control' ? 'Requires the control token.' : '']
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
              ...(r.bodyKind === 'stream' ? {} : { description: `At most ${r.maxBodyBytes ?? MAX_BODY_BYTES} bytes (${mib(r.maxBodyBytes ?? MAX_BODY_BYTES)}); a larger body is refused with 413.` }),
              content: { [r.bodyKind === 'stream' ? (r.bodyContentType ?? 'application/x-ndjson') : 'application/json']: { schema: clean(r.body) } },
            },
            ...(r.bodyKind === 'stream' ? {} : { 'x-max-body-bytes': r.maxBodyBytes ?? MAX_BODY_BYTES }),
          }
        : {}),
      responses,
    };
    (paths[r.path] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'ics-conformance mock national services',
      version,
      summary: 'Simulated ContactPoint and National eCAF for accrediting ICS integrations.',
      description:
        'This project\'s own interface specification: no public ContactPoint or National eCAF specification survives. Messages are closed JSON Schemas: unknown fields are refused. Errors are RFC 9457 problem+json naming the JSON path, the rule and the requirement.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [
      { name: 'contactpoint', description: 'ContactPoint: involvement feed, CAF indicator, lookups.' },
      { name: 'ecaf', description: 'National eCAF: episodes, consent, TAC, exchange with local systems.' },
      { name: 'control', description: 'Control API for the harness and vendors\' tests (not part of the national services).' },
    ],
    components: {
      securitySchemes: {
        clientToken: { type: 'http', scheme: 'bearer', description: 'A registered source system\'s or client\'s token; it also selects the session.' },
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
