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
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BodyPool, load, type LoadFigures } from './lib/load.js';
import { benchTools } from './lib/tools.js';
import { BENCH_DIST, cpuTimeUs, freePort, serveMocks, spawnNode, type Child } from './lib/proc.js';

export const INGEST_PATH = '/contactpoint/v1/involvements';

export interface IngestOptions {
  tmp: string;
  /** Another build's bin/ics-conformance.js, measured the same way (before/after comparisons). */
  baselineCli?: string;
  connections: number;
  /** Seconds per round, per server. */
  durationS: number;
  rounds: number;
  warmupS: number;
  log: (line: string) => void;
}

/** cpuUsPerRequest: the server process's CPU time (all threads, user + system) per answered request, median round. */
type Figures = LoadFigures & { rounds: number[]; cpuUsPerRequest?: number };

export interface IngestResult {
  connections: number;
  durationS: number;
  rounds: number;
  warmupS: number;
  machine: Figures;
  express: Figures;
  prism: Figures & { version: string };
  ours: Figures & { stored: number; acknowledged: number };
  baseline?: Figures & { stored: number; acknowledged: number; cli: string };
  /** ours / prism: the ratio of the two medians. */
  vsPrism: number;
  /** ours / bare express: the ratio of the two medians. */
  vsExpress: number;
  /** Each round's own ratio, for the spread. */
  vsPrismRounds: number[];
  vsExpressRounds: number[];
}

export function prismInfo(): { bin: string; version: string } {
  const pkgPath = benchTools((line) => console.error(line)).resolve('@stoplight/prism-cli/package.json');
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
  // servers too: its relative '/' entry would only make Prism match the request URL against it.
  const { jsonSchemaDialect: _dialect, servers: _servers, ...rest } = doc;
  const op = doc.paths[INGEST_PATH]!.post;
  writeFileSync(file, JSON.stringify({ ...rest, paths: { [INGEST_PATH]: { post: op } } }, null, 1));
}

type Subject = { key: 'ours' | 'baseline' | 'prism' | 'express' | 'machine'; name: string; child: Child; next: () => Buffer };

/** The round with the median requests/s stands for the subject; counts add up over every round. */
function combine(subject: string, rounds: LoadFigures[]): Figures {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  const sum = (k: 'ok2xx' | 'non2xx' | 'errors' | 'timeouts' | 'durationS') => rounds.reduce((n, r) => n + r[k], 0);
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const cpu = rounds
    .map((r) => r.cpuUsPerRequest)
    .filter((c): c is number => c !== undefined)
    .sort((a, b) => a - b);
  return {
    ...mid,
    subject,
    ok2xx: sum('ok2xx'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    durationS: sum('durationS'),
    statusCodes,
    rounds: rounds.map((r) => r.rps),
    ...(cpu.length > 0 ? { cpuUsPerRequest: cpu[Math.floor(cpu.length / 2)]! } : {}),
  };
}

/**
 * Every server is started first and stays up; then each round loads them one after another, in an
 * order that turns each round, so a slow spell of this shared machine lands on every subject rather
 * than on one. A subject's figure is its median round; a ratio is the ratio of two medians.
 * The mock services run as a user runs them (the CLI's `serve` with a file store) and are killed
 * with SIGKILL at the end: the store must hold at least every message that was acknowledged.
 */
export async function runIngest(o: IngestOptions): Promise<IngestResult> {
  const headers = { 'content-type': 'application/json', authorization: 'Bearer demo-ics' };
  // Enough distinct messages that the mock never sees a recycled body within its run.
  const pool = new BodyPool(Number(process.env.ICS_BENCH_POOL ?? 150_000));
  o.log(
    `ingest: ${o.connections} connections, ${o.warmupS} s warm-up, then ${o.rounds} rounds of ${o.durationS} s per server, ${pool.size} distinct messages`,
  );

  // The mock services first: their OpenAPI document is what Prism serves.
  const prismDoc = join(o.tmp, 'prism-openapi.json');
  const data = join(o.tmp, 'ingest.sqlite');
  const baselineData = join(o.tmp, 'baseline.sqlite');
  const subjects: Subject[] = [];
  const oursChild = await serveMocks({ data, controlToken: 'bench' });
  subjects.push({ key: 'ours', name: 'ics-conformance serve --data (validated, stored)', child: oursChild, next: pool.cursor() });
  await prismDocument(oursChild.url, prismDoc);
  if (o.baselineCli)
    subjects.push({
      key: 'baseline',
      name: `baseline build (${o.baselineCli})`,
      child: await serveMocks({ data: baselineData, controlToken: 'bench', cli: o.baselineCli }),
      next: pool.cursor(),
    });
  const prism = prismInfo();
  const port = await freePort();
  subjects.push({
    key: 'prism',
    name: `Prism ${prism.version} (prism mock -v silent)`,
    child: await spawnNode('prism', [prism.bin, 'mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'silent', prismDoc], {
      probePort: port,
      timeoutMs: 60_000,
    }),
    next: pool.cursor(),
  });
  subjects.push({
    key: 'express',
    name: 'bare express route, 202, body unread',
    child: await spawnNode('bare express', [join(BENCH_DIST, 'servers/bare-express.js')], { ready: /listening (http:\S+)/ }),
    next: pool.cursor(),
  });
  subjects.push({
    key: 'machine',
    name: 'bare node:http, body read + JSON.parse',
    child: await spawnNode('bare node:http', [join(BENCH_DIST, 'servers/bare-http.js')], { ready: /listening (http:\S+)/ }),
    next: pool.cursor(),
  });

  const rounds = new Map<Subject['key'], LoadFigures[]>(subjects.map((s) => [s.key, []]));
  let warmAcks = { ours: 0, baseline: 0 };
  try {
    for (const s of subjects) {
      if (o.warmupS <= 0) continue;
      const w = await load(`${s.name} (warm-up)`, {
        url: s.child.url + INGEST_PATH,
        connections: o.connections,
        durationS: o.warmupS,
        headers,
        body: s.next,
      });
      if (s.key === 'ours' || s.key === 'baseline') warmAcks = { ...warmAcks, [s.key]: w.ok2xx };
    }
    for (let r = 0; r < o.rounds; r++) {
      for (let i = 0; i < subjects.length; i++) {
        const s = subjects[(i + r) % subjects.length]!;
        const cpu0 = cpuTimeUs(s.child.pid);
        const f = await load(s.name, { url: s.child.url + INGEST_PATH, connections: o.connections, durationS: o.durationS, headers, body: s.next });
        const cpu1 = cpuTimeUs(s.child.pid);
        const answered = f.ok2xx + f.non2xx;
        // CPU a request is steadier than requests/s on a VM whose speed drifts: both are reported.
        if (cpu0 !== undefined && cpu1 !== undefined && answered > 0) f.cpuUsPerRequest = Math.round((cpu1 - cpu0) / answered);
        rounds.get(s.key)!.push(f);
        o.log(
          `  round ${r + 1}  ${s.name.padEnd(48)} ${String(f.rps).padStart(6)} req/s  p50 ${f.p50Ms} ms  p99 ${f.p99Ms} ms  non-2xx ${f.non2xx}  errors ${f.errors}`,
        );
      }
    }
  } finally {
    // No graceful shutdown for the mocks: what was acknowledged must already be on disk.
    for (const s of subjects) await (s.key === 'ours' || s.key === 'baseline' ? s.child.kill() : s.child.stop());
  }
  const stored = (file: string, subject: string, acknowledged: number) => {
    const db = new Database(file);
    // Builds before decision 0007 kept one row per message in cp_messages.
    const hasLog = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'cp_log'").get() !== undefined;
    const n = (
      db.prepare(hasLog ? "SELECT COUNT(*) AS n FROM cp_log WHERE kind <> 'resolve'" : 'SELECT COUNT(*) AS n FROM cp_messages').get() as { n: number }
    ).n;
    db.close();
    o.log(`  ${subject}: stored ${n} >= acknowledged ${acknowledged}`);
    if (n < acknowledged) throw new Error(`ingest: ${acknowledged} messages acknowledged but only ${n} stored`);
    return { stored: n, acknowledged };
  };
  const get = (key: Subject['key']) => combine(subjects.find((s) => s.key === key)!.name, rounds.get(key)!);
  const ours = get('ours');
  const per = (key: Subject['key']) => rounds.get('ours')!.map((f, i) => f.rps / rounds.get(key)![i]!.rps);
  const prismFigures = { ...get('prism'), version: prism.version };
  return {
    connections: o.connections,
    durationS: o.durationS,
    warmupS: o.warmupS,
    rounds: o.rounds,
    machine: get('machine'),
    express: get('express'),
    prism: prismFigures,
    ours: { ...ours, ...stored(data, 'ics-conformance', warmAcks.ours + ours.ok2xx) },
    ...(o.baselineCli
      ? { baseline: { ...get('baseline'), ...stored(baselineData, 'baseline', warmAcks.baseline + get('baseline').ok2xx), cli: o.baselineCli } }
      : {}),
    // Ratios of the medians: a round's own ratio pairs loads that ran minutes apart in a rotating order.
    vsPrism: ours.rps / prismFigures.rps,
    vsExpress: ours.rps / get('express').rps,
    vsPrismRounds: per('prism'),
    vsExpressRounds: per('express'),
  };
}
