/**
 * The bulk NDJSON feed (initial load): N lines from `involvementNdjson`, written to a file first and
 * then streamed from it to POST /contactpoint/v1/involvements/bulk on `ics-conformance serve --data
 * FILE` in a child process, the per-line results read back as they stream out. A vendor's initial
 * load is a file too; generating the lines while sending them took CPU from the two cores the
 * server needs (docs/benchmarks.md). Measures records/s, wall time and the server's peak resident
 * memory (VmHWM). Bounded: past `timeoutS` the upload is cut and the figures of the lines done so far
 * are reported, marked partial.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { request } from 'node:http';
import { join } from 'node:path';
import { involvementNdjson } from '../fixtures/population.js';
import { cpuTimeUs, memoryOf, serveMocks } from './lib/proc.js';

const REFUSED = '"ok":false';

export interface BulkOptions {
  tmp: string;
  /** Another build's bin/ics-conformance.js (before/after comparisons). */
  cli?: string;
  lines: number;
  timeoutS: number;
  log: (line: string) => void;
}

export interface BulkResult {
  lines: number;
  /** Result lines received. */
  answered: number;
  failed: number;
  wallS: number;
  recordsPerS: number;
  peakRssBytes: number;
  /** Upload cut at the time limit: wallS and answered cover only part of the feed. */
  partial: boolean;
  /** The connection failed before the end (the figures cover the part done). */
  error?: string;
  /** Wall time projected for every line at the measured rate (equals wallS when complete). */
  projectedS: number;
  /** Time spent generating the lines into the file, before the upload (not in wallS). */
  generatorS: number;
  bytesSent: number;
  /** The server's CPU time (user + system, every thread) per answered line, and its average use in cores. */
  serverCpuUsPerLine?: number;
  serverCores?: number;
  /** The load generator's own CPU per line (reading the file, sending it, reading the results). */
  clientCpuUsPerLine?: number;
}

/** Writes the feed's lines to a file, in megabyte writes. */
async function writeFeed(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  let buf = '';
  for (const line of involvementNdjson({ count: lines, seed: 424242 })) {
    buf += line;
    if (buf.length >= 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.end(buf);
  await once(out, 'finish');
}

export async function runBulk(o: BulkOptions): Promise<BulkResult> {
  const feed = join(o.tmp, `bulk-${o.lines}.ndjson`);
  const g = performance.now();
  // One file per size and run, shared by the build and its baseline.
  if (!statSync(feed, { throwIfNoEntry: false })) await writeFeed(feed, o.lines);
  const generatorMs = performance.now() - g;
  const bytesSent = statSync(feed).size;
  o.log(
    `bulk: ${o.lines.toLocaleString('en-GB')} lines (${(bytesSent / 2 ** 30).toFixed(2)} GiB) in ${feed}, generated in ${(generatorMs / 1000).toFixed(1)} s`,
  );
  const server = await serveMocks({
    data: join(o.tmp, o.cli ? 'bulk-baseline.sqlite' : 'bulk.sqlite'),
    controlToken: 'bench',
    ...(o.cli ? { cli: o.cli } : {}),
  });
  o.log(
    `bulk${o.cli ? ` (baseline build ${o.cli})` : ''}: ${o.lines.toLocaleString('en-GB')} lines to ${server.url}/contactpoint/v1/involvements/bulk (limit ${o.timeoutS} s)`,
  );
  let answered = 0;
  let failed = 0;
  let partial = false;
  let error: string | undefined;
  let peakRss = 0;
  const sampler = setInterval(() => {
    const m = memoryOf(server.pid);
    if (m) peakRss = Math.max(peakRss, m.hwm);
  }, 1000);
  const started = performance.now();
  const cpu0 = cpuTimeUs(server.pid);
  const client0 = process.cpuUsage();
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${server.url}/contactpoint/v1/involvements/bulk`,
        { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: 'Bearer demo-ics' } },
        (res) => {
          if (res.statusCode !== 200) reject(new Error(`bulk answered ${res.statusCode}`));
          let carry = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) answered++;
            // A result may straddle two chunks: search from the last 9 characters of the one before
            // (too short to hold a whole match, so none is counted twice).
            const text = carry + chunk;
            for (let i = text.indexOf(REFUSED); i >= 0; i = text.indexOf(REFUSED, i + 1)) failed++;
            carry = text.slice(-(REFUSED.length - 1));
          });
          res.on('end', resolve);
          // Cutting the upload at the limit aborts the answer too: that is the expected end then.
          res.on('error', (err) => {
            if (!partial) error = err.message;
            resolve();
          });
        },
      );
      // A reset by the server (e.g. node:http's requestTimeout, 300 s by default) ends the run: report how far it got.
      req.on('error', (err) => {
        if (!partial) error = err.message;
        resolve();
      });
      const timer = setTimeout(() => {
        partial = true;
        req.destroy();
      }, o.timeoutS * 1000);
      req.on('close', () => clearTimeout(timer));
      // Streamed from the file with backpressure: the server reads it as fast as it takes the lines.
      const file = createReadStream(feed, { highWaterMark: 1 << 16 });
      file.on('error', (err) => {
        error = err.message;
        req.destroy();
      });
      req.on('close', () => file.destroy());
      file.pipe(req);
    });
  } catch (err) {
    await server.kill();
    throw err;
  } finally {
    clearInterval(sampler);
  }
  const wallS = (performance.now() - started) / 1000;
  const cpu1 = cpuTimeUs(server.pid);
  const client = process.cpuUsage(client0);
  const m = memoryOf(server.pid);
  if (m) peakRss = Math.max(peakRss, m.hwm);
  await server.kill();
  const recordsPerS = answered / wallS;
  const result: BulkResult = {
    lines: o.lines,
    answered,
    failed,
    wallS,
    recordsPerS,
    peakRssBytes: peakRss,
    partial: partial || error !== undefined,
    ...(error ? { error } : {}),
    projectedS: partial || error ? o.lines / recordsPerS : wallS,
    generatorS: generatorMs / 1000,
    bytesSent,
    // Whether the server was the bottleneck: its CPU time (every thread) over the wall time, in cores.
    ...(cpu0 !== undefined && cpu1 !== undefined && answered > 0
      ? { serverCpuUsPerLine: Math.round((cpu1 - cpu0) / answered), serverCores: (cpu1 - cpu0) / 1e6 / wallS }
      : {}),
    // What generating, sending and reading back cost this process: the other claim on the two cores.
    ...(answered > 0 ? { clientCpuUsPerLine: Math.round((client.user + client.system) / answered) } : {}),
  };
  o.log(
    `  ${answered.toLocaleString('en-GB')} lines answered (${failed} refused) in ${wallS.toFixed(1)} ` +
      (`s: ${Math.round(recordsPerS).toLocaleString('en-GB')} records/s, peak RSS ${(peakRss / 2 ** 20).toFixed(0)} ` +
        `MiB${result.partial ? `, ${error ? `connection failed (${error})` : 'cut at the limit'} (projected ${result.projectedS.toFixed(0)} s)` : ''}`),
  );
  return result;
}
