/** `demo` wall time: every suite against the reference ICS (`runDemo()`), repeated; the median counts. */
import { runDemo } from '../src/harness/app/demo.js';

export interface DemoResult {
  runsS: number[];
  medianS: number;
  tests: number;
  passed: number;
  exitCode: number;
}

export async function runDemoBench(o: { runs: number; log: (line: string) => void }): Promise<DemoResult> {
  const runsS: number[] = [];
  let last: Awaited<ReturnType<typeof runDemo>> | undefined;
  for (let i = 0; i < o.runs; i++) {
    const t = performance.now();
    last = await runDemo();
    runsS.push((performance.now() - t) / 1000);
  }
  const sorted = [...runsS].sort((a, b) => a - b);
  const medianS = sorted[Math.floor(sorted.length / 2)]!;
  const s = last!.summary;
  const result = { runsS, medianS, tests: s.total, passed: s.PASSED, exitCode: s.exitCode };
  o.log(
    `demo: ${runsS.map((r) => r.toFixed(2)).join(' s, ')} s (median ${medianS.toFixed(2)} s), ${result.passed}/${result.tests} passed, exit ${result.exitCode}`,
  );
  return result;
}
