/**
 * GET /docs: the OpenAPI document in Swagger UI (swagger-ui-dist, served from the installed
 * package: no CDN, no web fonts, no validator badge), with try-it against this server, and the
 * problem codes every problem+json `type` links to (`/docs#ics-err-...`). Decision 0050.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ErrorDef } from './errors.js';
import { escapeHtml } from './docs.js';

/**
 * Only the browser asks for these, so a page that runs nothing but its own files can say so:
 * scripts, styles, images and requests from this origin alone (try-it goes to the server the
 * document was fetched from). Swagger UI sets inline style attributes, hence 'unsafe-inline' for
 * styles only.
 */
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src " +
  "'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The initialiser, a file of its own so the CSP needs no inline script. */
const INIT = `'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    // Never ask validator.swagger.io (or anything else) about the document.
    validatorUrl: null,
    deepLinking: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    filter: true,
    tryItOutEnabled: false,
    // The token stays in this tab's memory: not in localStorage for the next person at the machine.
    persistAuthorization: false,
    onComplete: function () {
      // A problem's type (/docs#ics-err-...) lands on its row once the operations above it are drawn.
      var id = decodeURIComponent(location.hash.slice(1));
      var el = id && id.charAt(0) !== '/' && document.getElementById(id);
      if (el) el.scrollIntoView();
    },
  });
});
`;

interface Asset {
  body: string;
  type: string;
}
/** What GET /docs/assets/{name} serves. */
export const DOCS_ASSETS = ['swagger-ui-bundle.js', 'swagger-ui.css', 'docs.js'] as const;
let assets: Map<string, Asset> | undefined;

/** The files /docs/assets/{name} serves, read once from the installed swagger-ui-dist. */
export function docsAssets(): Map<string, Asset> {
  if (assets) return assets;
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const file = (name: string) => readFileSync(join(dir, name), 'utf8');
  assets = new Map([
    ['swagger-ui-bundle.js', { body: file('swagger-ui-bundle.js'), type: 'text/javascript; charset=utf-8' }],
    ['swagger-ui.css', { body: file('swagger-ui.css'), type: 'text/css; charset=utf-8' }],
    ['docs.js', { body: INIT, type: 'text/javascript; charset=utf-8' }],
  ]);
  return assets;
}

export function renderDocsPage(info: { title: string; version: string }, errors: Readonly<Record<string, ErrorDef>>): string {
  return (
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)}: API reference</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<style>
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1b1b1b}
.intro,.codes{max-width:1460px;margin:0 auto;padding:1rem 20px}
.intro{background:#f0f4f8;border-bottom:1px solid #d8dde0;max-width:none;padding:.6rem max(20px,calc((100% - 1420px)/2))}.intro p{margin:.3rem 0;font-size:14px}
.intro code,.codes code{font:13px ui-monospace,monospace;background:#e3e8ee;padding:0 3px}
.codes table{border-collapse:collapse;width:100%}.codes td,.codes th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
.codes tr:target{background:#fff6d5}
</style></head><body>
<header class="intro" aria-label="How to try a request">
<p><strong>Try a request against this server:</strong> <strong>Authorize</strong> with a source system's ` +
    `token under <code>clientToken</code> (<code>demo-ics</code> on <code>ics-conformance serve</code>'s demo ` +
    `session; the control API takes the control token under <code>controlToken</code>), open an operation, <strong>` +
    `Try it out</strong>, <strong>Execute</strong>. Each request reaches the mock and its session's journal, as ` +
    `your system's would.</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1) · without JavaScript: <a ` +
    `href="/docs/reference">the plain reference</a> · <a href="#problem-codes">every problem code</a></p>
</header>
<noscript><p class="intro">This page needs JavaScript for its try-it console: <a href="/docs/reference">the plain reference</a> has every operation and schema without it.</p></noscript>
<main id="swagger-ui"></main>
<section class="codes" id="problem-codes"><h2>Problem codes</h2>
<table><tr><th>code</th><th>status</th><th>meaning and fix</th></tr>
${Object.entries(errors)
  .map(
    ([code, e]) =>
      `<tr id="${escapeHtml(code.toLowerCase().replace(/_/g, '-'))}"><td><code>${escapeHtml(code)}</code></td><td>${e.status}</td><td>${escapeHtml(e.title)}</td></tr>`,
  )
  .join('\n')}
</table></section>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs.js"></script>
</body></html>`
  );
}
