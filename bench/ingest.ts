/**
 * Single-message involvement ingest over HTTP, against four servers measured in the same run, one
 * after another, each in its own child process on 127.0.0.1:
 *   - node:http that reads and JSON.parses the body (the machine's ceiling);
 *   - a bare express route answering 202 without reading the body (express's ceiling);
 *   - Prism (`prism mock`, silent) on our own OpenAPI document cut down to the same operation;
 *   - the mock services (`ics-conformance serve --data FILE`): validated, checked, matched, stored
 *     durably (group commit over SQLite WAL) and journalled.
 * Every request carries a distinct valid InvolvementMessage.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BodyPool, load, type LoadFigures } from './lib/load.js';
import { BENCH_DIST, freePort, serveMocks, spawnNode, type Child } from './lib/proc.js';

export const INGEST_PATH = '/contactpoint/v1/involvements';

export interface IngestOptions {
  tmp: string;
  /** Another build's bin/ics-conformance.js, measured the same way (before/after comparisons). */
  baselineCli?: string;
  connections: number;
  durationS: number;
  warmupS: number;
  log: (line: string) => void;
}

export interface IngestResult {
  connections: number;
  durationS: number;
  warmupS: number;
  machine: LoadFigures;
  express: LoadFigures;
  prism: LoadFigures & { version: string };
  ours: LoadFigures & { stored: number; acknowledged: number };
  baseline?: LoadFigures & { stored: number; acknowledged: number; cli: string };
  /** ours / prism */
  vsPrism: number;
  /** ours / bare express */
  vsExpress: number;
}

const require = createRequire(import.meta.url);

export function prismInfo(): { bin: string; version: string } {
  const pkgPath = require.resolve('@stoplight/prism-cli/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string; bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.prism!;
  return { bin: join(pkgPath, '..', bin), version: pkg.version };
}

/**
 * Our served OpenAPI document cut down to the one operation. `jsonSchemaDialect` is left out: Prism
 * 5.14 skips request-body validation entirely when it is present (it answered 2xx to `{"x":1}`), and
 * the value we publish is OpenAPI 3.1's default dialect anyway, so dropping it changes no meaning.
 */
export async function prismDocument(oursUrl: string, file: string): Promise<void> {
  const doc = (await (await fetch(`${oursUrl}/openapi.json`)).json()) as Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };
  const { jsonSchemaDialect: _dialect, ...rest } = doc;
  const op = doc.paths[INGEST_PATH]!.post;
  writeFileSync(file, JSON.stringify({ ...rest, paths: { [INGEST_PATH]: { post: op } } }, null, 1));
}

async function measure(subject: string, child: Child, pool: BodyPool, o: IngestOptions, headers: Record<string, string>): Promise<LoadFigures> {
  const next = pool.cursor();
  const url = child.url + INGEST_PATH;
  try {
    if (o.warmupS > 0) await load(`${subject} (warm-up)`, { url, connections: o.connections, durationS: o.warmupS, headers, body: next });
    const figures = await load(subject, { url, connections: o.connections, durationS: o.durationS, headers, body: next });
    o.log(`  ${subject.padEnd(44)} ${String(figures.rps).padStart(6)} req/s  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  non-2xx ${figures.non2xx}  errors ${figures.errors}`);
    return figures;
  } finally {
    await child.stop();
  }
}

/**
 * The mock services as a user runs them (the CLI's `serve` with a file store), loaded like the others,
 * then killed with SIGKILL: the store must hold at least every message that was acknowledged.
 */
async function measureMocks(
  subject: string,
  pool: BodyPool,
  o: IngestOptions,
  headers: Record<string, string>,
  opts: { data: string; cli?: string; prismDoc?: string },
): Promise<LoadFigures & { stored: number; acknowledged: number }> {
  const child = await serveMocks({ data: opts.data, controlToken: 'bench', ...(opts.cli ? { cli: opts.cli } : {}) });
  if (opts.prismDoc) await prismDocument(child.url, opts.prismDoc);
  const next = pool.cursor();
  const url = child.url + INGEST_PATH;
  let acknowledged = 0;
  let figures: LoadFigures;
  try {
    if (o.warmupS > 0) acknowledged += (await load(`${subject} (warm-up)`, { url, connections: o.connections, durationS: o.warmupS, headers, body: next })).ok2xx;
    figures = await load(subject, { url, connections: o.connections, durationS: o.durationS, headers, body: next });
    acknowledged += figures.ok2xx;
  } finally {
    // No graceful shutdown: what was acknowledged must already be on disk.
    await child.kill();
  }
  const db = new Database(opts.data);
  const stored = (db.prepare("SELECT COUNT(*) AS n FROM cp_log WHERE kind <> 'resolve'").get() as { n: number }).n;
  db.close();
  o.log(`  ${subject.padEnd(44)} ${String(figures.rps).padStart(6)} req/s  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  non-2xx ${figures.non2xx}  errors ${figures.errors}  (stored ${stored} >= acknowledged ${acknowledged})`);
  if (stored < acknowledged) throw new Error(`ingest: ${acknowledged} messages acknowledged but only ${stored} stored`);
  return { ...figures, stored, acknowledged };
}

export async function runIngest(o: IngestOptions): Promise<IngestResult> {
  const headers = { 'content-type': 'application/json', authorization: 'Bearer demo-ics' };
  // Enough distinct messages that the mock never sees a recycled body within its run.
  const pool = new BodyPool(Number(process.env.ICS_BENCH_POOL ?? 150_000));
  o.log(`ingest: ${o.connections} connections, ${o.warmupS} s warm-up + ${o.durationS} s per server, ${pool.size} distinct messages`);

  // The mock services first: their OpenAPI document is what Prism serves.
  const prismDoc = join(o.tmp, 'prism-openapi.json');
  const ours = await measureMocks('ics-conformance serve --data (validated, stored)', pool, o, headers, { data: join(o.tmp, 'ingest.sqlite'), prismDoc });
  const baseline = o.baselineCli
    ? { ...(await measureMocks(`baseline build (${o.baselineCli})`, pool, o, headers, { data: join(o.tmp, 'baseline.sqlite'), cli: o.baselineCli })), cli: o.baselineCli }
    : undefined;

  const prism = prismInfo();
  const port = await freePort();
  const prismChild = await spawnNode('prism', [prism.bin, 'mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'silent', prismDoc], { probePort: port, timeoutMs: 60_000 });
  const prismFigures = { ...(await measure(`Prism ${prism.version} (prism mock -v silent)`, prismChild, pool, o, headers)), version: prism.version };

  const expressChild = await spawnNode('bare express', [join(BENCH_DIST, 'servers/bare-express.js')], { ready: /listening (http:\S+)/ });
  const express = await measure('bare express route, 202, body unread', expressChild, pool, o, headers);

  const httpChild = await spawnNode('bare node:http', [join(BENCH_DIST, 'servers/bare-http.js')], { ready: /listening (http:\S+)/ });
  const machine = await measure('bare node:http, body read + JSON.parse', httpChild, pool, o, headers);

  return {
    connections: o.connections,
    durationS: o.durationS,
    warmupS: o.warmupS,
    machine,
    express,
    prism: prismFigures,
    ours,
    ...(baseline ? { baseline } : {}),
    vsPrism: ours.rps / prismFigures.rps,
    vsExpress: ours.rps / express.rps,
  };
}
