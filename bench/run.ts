/**
 * `npm run bench`: every figure of issue 7 in one run, printed as one table and written as JSON
 * (reports/bench/latest.json). `npm run bench -- --soak` runs the 5-minute soak instead.
 *
 * Options: --only ingest,bulk,demo,fixtures,parallel  --parallel-runs N  --duration S (per round)  --rounds N  --warmup S  --connections N
 *          --bulk-lines N  --bulk-timeout S  --demo-runs N  --fixtures N  --out FILE
 *          --baseline PATH/bin/ics-conformance.js (also measure another build's ingest, for before/after)
 *          --soak [--soak-minutes M] [--journal-limit N]
 */
import { parseArgs } from 'node:util';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { runIngest, type IngestResult } from './ingest.js';
import { runBulk, type BulkResult } from './bulk.js';
import { runDemoBench, type DemoResult } from './demo.js';
import { runFixturesBench, type FixturesResult } from './fixtures.js';
import { runParallelBench, type ParallelResult } from './parallel.js';
import { runSoak } from './soak.js';
import { int, machine, mib, renderTable, type Row } from './lib/table.js';
import { ROOT, killChildren } from './lib/proc.js';

/** The targets of issues 3 and 7. */
export const TARGETS = {
  ingestVsPrism: 1.5,
  ingestVsExpress: 0.6,
  bulkSeconds: 30,
  bulkBytes: 512 * 2 ** 20,
  demoSeconds: 10,
  fixturesPerS: 20_000,
} as const;

const { values } = parseArgs({
  options: {
    soak: { type: 'boolean', default: false },
    only: { type: 'string' },
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    'bulk-lines': { type: 'string', default: '1000000' },
    'bulk-timeout': { type: 'string', default: '60' },
    'demo-runs': { type: 'string', default: '3' },
    'parallel-runs': { type: 'string', default: '20' },
    fixtures: { type: 'string', default: '200000' },
    out: { type: 'string' },
    baseline: { type: 'string' },
    'soak-minutes': { type: 'string', default: '5' },
    'journal-limit': { type: 'string', default: '2000' },
  },
  strict: true,
});

const log = (line: string) => console.error(line);

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'ics-bench-'));
  try {
    if (values.soak) {
      const out = resolve(values.out ?? join(ROOT, 'reports/bench/soak.json'));
      const soak = await runSoak({ tmp, minutes: Number(values['soak-minutes']), journalLimit: Number(values['journal-limit']), log });
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify({ schema: 'ics-conformance-soak/1', machine: machine(), ...soak }, null, 2) + '\n');
      console.log(soak.table);
      log(`\nwritten: ${out}`);
      if (!soak.flat || soak.serverErrors > 0 || soak.crashed) process.exitCode = 1;
      return;
    }
    const only = new Set((values.only ?? 'ingest,bulk,demo,fixtures,parallel').split(',').map((s) => s.trim()));
    const started = performance.now();
    const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
    let ingest: IngestResult | undefined;
    let bulk: BulkResult | undefined;
    let demo: DemoResult | undefined;
    let fixtures: FixturesResult | undefined;
    let parallel: ParallelResult | undefined;
    if (only.has('ingest'))
      ingest = await runIngest({
        tmp,
        connections: Number(values.connections),
        durationS: Number(values.duration),
        rounds: Number(values.rounds),
        warmupS: Number(values.warmup),
        log,
        ...(values.baseline ? { baselineCli: resolve(values.baseline) } : {}),
      });
    let bulkBaseline: BulkResult | undefined;
    if (only.has('bulk')) bulk = await runBulk({ tmp, lines: Number(values['bulk-lines']), timeoutS: Number(values['bulk-timeout']), log });
    if (only.has('bulk') && values.baseline)
      bulkBaseline = await runBulk({
        tmp,
        lines: Number(values['bulk-lines']),
        timeoutS: Number(values['bulk-timeout']),
        log,
        cli: resolve(values.baseline),
      });
    if (only.has('demo')) demo = await runDemoBench({ runs: Number(values['demo-runs']), log });
    if (only.has('fixtures')) fixtures = runFixturesBench({ count: Number(values.fixtures), log });
    if (only.has('parallel')) parallel = await runParallelBench({ tmp, runs: Number(values['parallel-runs']), log });

    const rows = tableRows({ ingest, bulk, bulkBaseline, demo, fixtures, parallel });
    const m = machine();
    const out = resolve(values.out ?? join(ROOT, 'reports/bench/latest.json'));
    mkdirSync(dirname(out), { recursive: true });
    const report = {
      schema: 'ics-conformance-bench/1',
      machine: { ...m, loadavgAtStart: loadAtStart },
      elapsedS: (performance.now() - started) / 1000,
      targets: TARGETS,
      rows,
      results: { ingest, bulk, ...(bulkBaseline ? { bulkBaseline } : {}), demo, fixtures, parallel },
    };
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    console.log(
      `\nics-conformance benchmarks, ${m.date.slice(0, 10)}: ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB, ` +
        `Node ${m.node}, loopback; load average ${loadAtStart[0]} at start, ${m.loadavg[0]} at end\n`,
    );
    console.log(renderTable(rows));
    log(`\n${rows.filter((r) => r.met === false).length} target(s) not met; ${report.elapsedS.toFixed(0)} s in all; written: ${out}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function tableRows(r: {
  ingest?: IngestResult | undefined;
  bulk?: BulkResult | undefined;
  bulkBaseline?: BulkResult | undefined;
  demo?: DemoResult | undefined;
  fixtures?: FixturesResult | undefined;
  parallel?: ParallelResult | undefined;
}): Row[] {
  const rows: Row[] = [];
  const { ingest, bulk, demo, fixtures } = r;
  if (ingest) {
    const errs = (f: { non2xx: number; errors: number; timeouts: number }) => `${f.non2xx} non-2xx, ${f.errors} errors`;
    const cpu = (f: IngestResult['machine']) => (f.cpuUsPerRequest !== undefined ? `; server CPU ${f.cpuUsPerRequest} µs/request` : '');
    const load = (subject: string, f: IngestResult['machine']) => ({
      measure: 'ingest, 1 message/request',
      subject,
      result: `${int(f.rps)} req/s`,
      detail: `rounds ${f.rounds.map(int).join(' / ')}; p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${errs(f)}${cpu(f)}`,
      target: '',
      met: null,
    });
    rows.push(load('bare node:http, reads + JSON.parse (machine ceiling)', ingest.machine));
    rows.push(load('bare express route, 202, body unread (express ceiling)', ingest.express));
    rows.push(load(`Prism ${ingest.prism.version} mock, same operation (silent)`, ingest.prism));
    rows.push({
      ...load('ics-conformance: validated, stored (file + WAL), journalled', ingest.ours),
      detail:
        `rounds ${ingest.ours.rounds.map(int).join(' / ')}; p50 ${ingest.ours.p50Ms} ms, p99 ${ingest.ours.p99Ms} ` +
        `ms, ${errs(ingest.ours)}${cpu(ingest.ours)}; ${int(ingest.ours.stored)} stored after kill -9`,
    });
    if (ingest.baseline)
      rows.push({
        ...load('baseline build, same measurement (before/after)', ingest.baseline),
        detail:
          `rounds ${ingest.baseline.rounds.map(int).join(' / ')}; p50 ${ingest.baseline.p50Ms} ms, ` +
          `p99 ${ingest.baseline.p99Ms} ms, ${errs(ingest.baseline)}${cpu(ingest.baseline)}; ${ingest.baseline.cli}`,
      });
    rows.push({
      measure: 'ingest ratio',
      subject: 'ics-conformance / Prism',
      result: `${ingest.vsPrism.toFixed(2)}x`,
      detail: `${int(ingest.ours.rps)} / ${int(ingest.prism.rps)} req/s (medians); round by round ${ingest.vsPrismRounds.map((r) => `${r.toFixed(2)}x`).join(', ')}`,
      target: `>= ${TARGETS.ingestVsPrism}x`,
      met: ingest.vsPrism >= TARGETS.ingestVsPrism,
    });
    rows.push({
      measure: 'ingest ratio',
      subject: 'ics-conformance / bare express',
      result: `${Math.round(ingest.vsExpress * 100)}%`,
      detail: `${int(ingest.ours.rps)} / ${int(ingest.express.rps)} req/s (medians); round by round ${ingest.vsExpressRounds.map((r) => `${Math.round(r * 100)}%`).join(', ')}`,
      target: `>= ${TARGETS.ingestVsExpress * 100}%`,
      met: ingest.vsExpress >= TARGETS.ingestVsExpress,
    });
  }
  if (bulk) {
    const wall = bulk.partial
      ? `${bulk.error ? 'failed' : 'cut'} at ${bulk.wallS.toFixed(1)} s, projected ${bulk.projectedS.toFixed(0)} s`
      : `${bulk.wallS.toFixed(1)} s`;
    rows.push({
      measure: 'bulk NDJSON feed',
      subject: `${int(bulk.lines)} lines, file store, wall time`,
      result: wall,
      detail:
        `${int(bulk.recordsPerS)} records/s, ${int(bulk.answered)} answered, ${bulk.failed} ` +
        `refused${bulk.serverCpuUsPerLine !== undefined ? `; server CPU ${bulk.serverCpuUsPerLine} µs/line, ${bulk.serverCores!.toFixed(2)} cores busy` : ''}` +
        `${bulk.clientCpuUsPerLine !== undefined ? `; load generator CPU ${bulk.clientCpuUsPerLine} µs/line` : ''}` +
        `${bulk.error ? `; ${bulk.error}` : ''}`,
      target: `< ${TARGETS.bulkSeconds} s`,
      met: !bulk.partial && bulk.wallS < TARGETS.bulkSeconds && bulk.answered === bulk.lines,
    });
    rows.push({
      measure: 'bulk NDJSON feed',
      subject: 'server peak RSS (VmHWM)',
      result: mib(bulk.peakRssBytes),
      detail: `${(bulk.bytesSent / 2 ** 30).toFixed(2)} GiB streamed in`,
      target: `< ${mib(TARGETS.bulkBytes)}`,
      met: bulk.peakRssBytes < TARGETS.bulkBytes,
    });
  }
  if (r.bulkBaseline)
    rows.push({
      measure: 'bulk NDJSON feed',
      subject: 'baseline build, same measurement (before/after)',
      result: `${int(r.bulkBaseline.recordsPerS)} records/s`,
      detail: `${int(r.bulkBaseline.answered)} answered in ${r.bulkBaseline.wallS.toFixed(1)} s, peak RSS ${mib(r.bulkBaseline.peakRssBytes)}`,
      target: '',
      met: null,
    });
  if (demo)
    rows.push({
      measure: 'demo',
      subject: 'every suite vs the reference ICS (runDemo)',
      result: `${demo.medianS.toFixed(2)} s median`,
      detail: `runs ${demo.runsS.map((s) => s.toFixed(2)).join(', ')} s; ${demo.passed}/${demo.tests} passed`,
      target: `< ${TARGETS.demoSeconds} s`,
      met: demo.medianS < TARGETS.demoSeconds && demo.exitCode === 0,
    });
  if (fixtures)
    rows.push({
      measure: 'fixtures',
      subject: `generateChildren, ${int(fixtures.children)} children`,
      result: `${int(fixtures.perS)} children/s`,
      detail: `${fixtures.seconds.toFixed(2)} s`,
      target: `>= ${int(TARGETS.fixturesPerS)}/s`,
      met: fixtures.perS >= TARGETS.fixturesPerS,
    });
  if (r.parallel) {
    const p = r.parallel;
    rows.push({
      measure: 'parallel accreditation runs',
      subject: `${p.runs} full runs at once, one serve (file store), ${p.runs} reference ICS`,
      result: `${p.equal}/${p.runs} verdicts equal`,
      detail:
        `${p.parallelS.toFixed(1)} s at once vs ${p.singleS.toFixed(1)} s for one run ` +
        `alone (${(p.parallelS / p.singleS).toFixed(1)}x); ingest probe meanwhile ${int(p.probe.requests)} requests, ` +
        `p50 ${p.probe.p50Ms} ms, p99 ${p.probe.p99Ms} ms, max ${p.probe.maxMs} ms, ${p.probe.non2xx} ` +
        `non-2xx; ${p.tests} tests a run${p.differences.length ? `; first difference: ${p.differences[0]}` : ''}`,
      target: 'every verdict equal',
      met: p.equal === p.runs,
    });
  }
  return rows;
}

main().then(killChildren, (err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  killChildren();
  process.exitCode = 1;
});
