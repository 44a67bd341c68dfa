/**
 * Throughput of the synthetic population and the NDJSON feed. Opt-in (ICS_PERF=1), because
 * timing on shared CI runners is noise; fixtures.test.ts keeps a loose guard instead.
 *   ICS_PERF=1 npx vitest run test/fixtures.perf.test.ts
 */
import { describe, it, expect } from 'vitest';
import { generateChildren, involvementNdjson } from '../fixtures/index.js';
import { isTestRangeNhsNumber, isValidUpn, isValidUln } from '../src/identifiers/index.js';

const N = Number(process.env.ICS_PERF_CHILDREN ?? 200_000);
const LINES = Number(process.env.ICS_PERF_LINES ?? 1_000_000);

describe.runIf(process.env.ICS_PERF === '1')('fixture throughput', () => {
  it(`generates ${N} children at >= 20,000/s`, () => {
    let n = 0;
    const t0 = performance.now();
    for (const _ of generateChildren({ count: N, seed: 1 })) n++;
    const perSecond = n / ((performance.now() - t0) / 1000);
    console.log(`children: ${n} at ${Math.round(perSecond)}/s`);
    expect(n).toBe(N);
    expect(perSecond).toBeGreaterThanOrEqual(20_000);
  }, 600_000);

  it(`streams ${LINES} NDJSON involvement lines`, () => {
    let n = 0;
    let bytes = 0;
    const t0 = performance.now();
    for (const line of involvementNdjson({ count: LINES, seed: 1 })) {
      n++;
      bytes += line.length;
    }
    const s = (performance.now() - t0) / 1000;
    console.log(`ndjson: ${n} lines, ${(bytes / 1e6).toFixed(0)} MB in ${s.toFixed(1)} s (${Math.round(n / s)} lines/s)`);
    expect(n).toBe(LINES);
  }, 600_000);

  it('a million children: identifiers stay valid and unique (the 999 range holds 909,091 NHS numbers)', () => {
    const nhs = new Set<string>();
    const upn = new Set<string>();
    const uln = new Set<string>();
    let n = 0;
    let bad = 0;
    for (const c of generateChildren({ count: 1_000_000, seed: 5 })) {
      n++;
      const { nhsNumber, upn: u, uln: l } = c.identity.identifiers;
      if (nhsNumber !== undefined) {
        if (nhs.has(nhsNumber) || !isTestRangeNhsNumber(nhsNumber)) bad++;
        nhs.add(nhsNumber);
      }
      if (u !== undefined) {
        if (upn.has(u) || !isValidUpn(u) || u.slice(1, 4) !== c.laCode) bad++;
        upn.add(u);
      }
      if (l !== undefined) {
        if (uln.has(l) || !isValidUln(l)) bad++;
        uln.add(l);
      }
    }
    console.log(`1M children: ${nhs.size} NHS numbers, ${upn.size} UPNs, ${uln.size} ULNs`);
    expect(n).toBe(1_000_000);
    expect(bad).toBe(0);
    expect(nhs.size).toBeLessThanOrEqual(909_091);
    expect(nhs.size).toBeGreaterThan(880_000);
  }, 600_000);
});
