/**
 * Load held (issue #17): N full accreditation runs at once against one `serve` (N sessions, N
 * reference ICS instances), against one run alone. Every run's verdicts must equal the single
 * run's; meanwhile a probe in its own session sends one message at a time, for ingest latency.
 */
import { randomBytes } from 'node:crypto';
import { serveMocks } from './lib/proc.js';
import { startReferenceIcs } from '../reference-ics/app.js';
import { referenceStatement } from '../src/harness/app/demo.js';
import { HttpDriver } from '../src/harness/engine/driver.js';
import { MockClient } from '../src/harness/engine/mock-client.js';
import { runSuites } from '../src/harness/engine/runner.js';
import { ALL_SUITES } from '../suites/index.js';
import { involvementMessages } from '../fixtures/population.js';

export interface ParallelResult {
  runs: number;
  singleS: number;
  parallelS: number;
  /** Runs whose every test ended as in the single run. */
  equal: number;
  /** The tests whose verdict differed, as "run#: test single->parallel". */
  differences: string[];
  probe: { requests: number; p50Ms: number; p99Ms: number; maxMs: number; non2xx: number };
  tests: number;
}

type Verdicts = Map<string, string>;

async function oneRun(mockUrl: string, controlToken: string): Promise<Verdicts> {
  const sut = await startReferenceIcs({ port: 0 });
  try {
    const result = await runSuites({
      statement: referenceStatement(),
      driver: new HttpDriver(sut.url),
      mock: new MockClient(mockUrl, controlToken),
      mockPublicUrl: mockUrl,
      suites: ALL_SUITES,
    });
    return new Map(result.tests.map((t) => [t.id, t.status]));
  } finally {
    await sut.close();
  }
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

export async function runParallelBench(o: { tmp: string; runs: number; log: (line: string) => void }): Promise<ParallelResult> {
  const controlToken = `ctl_${randomBytes(12).toString('hex')}`;
  const mocks = await serveMocks({ controlToken, data: `${o.tmp}/parallel.sqlite` });
  try {
    let t = performance.now();
    const single = await oneRun(mocks.url, controlToken);
    const singleS = (performance.now() - t) / 1000;
    o.log(`parallel: one run alone ${singleS.toFixed(1)} s, ${single.size} tests`);

    // The probe: its own session, one message at a time for as long as the runs last.
    const probeSession = await new MockClient(mocks.url, controlToken).createSession('ingest probe');
    const probeToken = probeSession.credentials.find((c) => c.clientId === 'ics')!.token;
    const latencies: number[] = [];
    let non2xx = 0;
    let running = true;
    const messages = involvementMessages({ count: 100_000, seed: 17 })[Symbol.iterator]();
    const probe = (async () => {
      while (running) {
        const next = messages.next();
        if (next.done) break;
        const started = performance.now();
        const res = await fetch(`${mocks.url}/contactpoint/v1/involvements`, {
          method: 'POST',
          headers: { authorization: `Bearer ${probeToken}`, 'content-type': 'application/json' },
          body: JSON.stringify(next.value),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - started);
        if (res.status >= 300) non2xx++;
      }
    })();

    t = performance.now();
    const all = await Promise.all(Array.from({ length: o.runs }, () => oneRun(mocks.url, controlToken)));
    const parallelS = (performance.now() - t) / 1000;
    running = false;
    await probe;

    const differences: string[] = [];
    let equal = 0;
    all.forEach((verdicts, i) => {
      let same = verdicts.size === single.size;
      for (const [id, status] of single) {
        if (verdicts.get(id) === status) continue;
        same = false;
        differences.push(`run ${i + 1}: ${id} ${status} -> ${verdicts.get(id) ?? 'missing'}`);
      }
      if (same) equal++;
    });
    const sorted = [...latencies].sort((a, b) => a - b);
    const round = (ms: number) => Math.round(ms * 10) / 10;
    const result: ParallelResult = {
      runs: o.runs,
      singleS,
      parallelS,
      equal,
      differences,
      probe: {
        requests: latencies.length,
        p50Ms: round(quantile(sorted, 0.5)),
        p99Ms: round(quantile(sorted, 0.99)),
        maxMs: round(sorted.at(-1) ?? 0),
        non2xx,
      },
      tests: single.size,
    };
    o.log(
      `parallel: ${o.runs} runs at once ${parallelS.toFixed(1)} s (${(parallelS / singleS).toFixed(1)}x one ` +
        `run), ${equal}/${o.runs} with the single run's verdicts; probe ${latencies.length} requests, ` +
        `p99 ${result.probe.p99Ms} ms`,
    );
    for (const d of differences.slice(0, 20)) o.log(`  ${d}`);
    return result;
  } finally {
    await mocks.stop();
  }
}
