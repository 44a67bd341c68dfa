/** Human-readable docs at GET /docs, rendered from the same OpenAPI document. Everything is escaped. */
import type { ErrorDef } from './errors.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Op = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  'x-requirement': string;
  parameters?: unknown[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

/** `errors`: every problem code the server can answer (the catalogue in mocks/rules.ts). */
export function renderDocs(openapi: Record<string, unknown>, errors: Readonly<Record<string, ErrorDef>>): string {
  const paths = openapi.paths as Record<string, Record<string, Op>>;
  const info = openapi.info as { title: string; version: string; description: string };
  const byTag = new Map<string, Array<{ method: string; path: string; op: Op }>>();
  for (const [path, methods] of Object.entries(paths))
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  // A shared schema is a $ref into components.schemas: a link to it in the Schemas section.
  const json = (v: unknown) =>
    `<pre>${escapeHtml(JSON.stringify(v, null, 2)).replace(/&quot;#\/components\/schemas\/(\w+)&quot;/g, '<a href="#schema-$1">&quot;#/components/schemas/$1&quot;</a>')}</pre>`;
  const schemaBlock = (name: string, schema: unknown) =>
    `<details id="schema-${escapeHtml(name)}"><summary><code>${escapeHtml(name)}</code></summary>${json(schema)}</details>`;
  const schemas = Object.entries((openapi.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {});
  const section = (tag: string, ops: Array<{ method: string; path: string; op: Op }>) => `
  <h2 id="${escapeHtml(tag)}">${escapeHtml(tag)}</h2>
  ${ops
    .map(
      ({ method, path, op }) => `
  <section class="op" id="${escapeHtml(op.operationId)}">
    <h3><span class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
    <p><strong>${escapeHtml(op.summary)}</strong> &middot; <code>${escapeHtml(op.operationId)}</code> &middot; requirement <code>${escapeHtml(op['x-requirement'])}</code></p>
    ${
      op.description
        ? `<p>${escapeHtml(op.description)
            .replace(/\n\n/g, '</p><p>')
            .replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`
        : ''
    }
    ${op.parameters ? `<details><summary>Parameters</summary>${json(op.parameters)}</details>` : ''}
    ${
      op.requestBody
        ? `<details><summary>Request body</summary>${Object.entries(op.requestBody.content)
            .map(([ct, c]) => `<p><code>${escapeHtml(ct)}</code></p>${json(c.schema)}`)
            .join('')}</details>`
        : ''
    }
    <details><summary>Responses</summary><ul>${Object.entries(op.responses)
      .map(([s, r]) => `<li><code>${escapeHtml(s)}</code> ${escapeHtml(r.description)}</li>`)
      .join('')}</ul></details>
  </section>`,
    )
    .join('')}`;
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow:auto;max-height:28rem}
.op{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4.5rem;font-size:13px;color:#fff;padding:2px 6px;border-radius:3px;text-align:center}
.get{background:#2a6}.post{background:#26a}.put{background:#a62}.delete{background:#a22}.patch{background:#666}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authentication: <code>Authorization: Bearer &lt;token&gt;</code>; lookups also send <code>Practitioner-Id</code>.</p>
<nav><ul>${[...byTag.keys()].map((t) => `<li><a href="#${escapeHtml(t)}">${escapeHtml(t)}</a></li>`).join('')}` +
    `${schemas.length ? '<li><a href="#schemas">schemas</a></li>' : ''}<li><a href="#errors">errors</a></li></ul></nav>
${[...byTag.entries()].map(([t, ops]) => section(t, ops)).join('')}
${schemas.length ? `<h2 id="schemas">Schemas</h2>\n${schemas.map(([name, schema]) => schemaBlock(name, schema)).join('\n')}` : ''}
<h2 id="errors">Problem codes</h2>
<table><tr><th>code</th><th>status</th><th>meaning and fix</th></tr>
${Object.entries(errors)
  .map(
    ([code, e]) =>
      `<tr id="${escapeHtml(code.toLowerCase().replace(/_/g, '-'))}"><td><code>${escapeHtml(code)}</code></td><td>${e.status}</td><td>${escapeHtml(e.title)}</td></tr>`,
  )
  .join('')}
</table></body></html>`
  );
}
