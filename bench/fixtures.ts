/** Fixture generation speed: `generateChildren` over a seeded population, children per second. */
import { generateChildren } from '../fixtures/population.js';

export interface FixturesResult {
  children: number;
  seconds: number;
  perS: number;
}

export function runFixturesBench(o: { count: number; log: (line: string) => void }): FixturesResult {
  // A short warm-up so the figure is the generator's, not the JIT's first minutes.
  for (const _ of generateChildren({ count: 2000, seed: 99 })) void _;
  const t = performance.now();
  let n = 0;
  for (const _ of generateChildren({ count: o.count, seed: 1 })) n++;
  const seconds = (performance.now() - t) / 1000;
  const result = { children: n, seconds, perS: n / seconds };
  o.log(`fixtures: ${n.toLocaleString('en-GB')} children in ${seconds.toFixed(2)} s: ${Math.round(result.perS).toLocaleString('en-GB')} children/s`);
  return result;
}
