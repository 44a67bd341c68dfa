/**
 * The engine judges whole bodies, not the journal's display copy: a migration batch far over any
 * display limit (64 KiB) is judged as the object it is. Before, ECAF-MIG-001 ended ERROR
 * ("Cannot read properties of undefined (reading 'some')") whenever the batch passed 64 KiB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../../reference-ics/app.js';
import { HttpDriver } from '../../src/harness/engine/driver.js';
import { MockClient } from '../../src/harness/engine/mock-client.js';
import { runSuites } from '../../src/harness/engine/runner.js';
import { referenceStatement } from '../../src/harness/app/demo.js';
import { SyntheticData } from '../../src/harness/engine/synthetic.js';
import { DRIVER_BASE } from '../../src/harness/driver-api/schemas.js';
import { ALL_SUITES } from '../../suites/index.js';
import { isoDate } from '../../src/platform/clock.js';

let mocks: RunningServer;
let sut: RunningReferenceIcs;
const controlToken = `ctl_${randomBytes(12).toString('hex')}`;

beforeAll(async () => {
  mocks = await startServer({ port: 0, controlToken });
  sut = await startReferenceIcs({ port: 0 });
});
afterAll(async () => {
  await sut.close();
  await mocks.close();
});

async function post(path: string, body: unknown): Promise<Record<string, string>> {
  const res = await fetch(sut.url + DRIVER_BASE + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return (await res.json()) as Record<string, string>;
}

describe('whole evidence', () => {
  it('judges a migration batch of more than 256 KiB from the complete body (ECAF-MIG-001 PASSED)', async () => {
    // Episodes already in the local module before the run: the export sends every one of them.
    const data = new SyntheticData(7, isoDate(new Date()));
    let bytes = 0;
    while (bytes < 256 * 1024) {
      const episode = data.cafCase();
      episode.localRef = `PRE.${episode.localRef}`.slice(0, 64);
      const { childRef } = await post('/children', { child: episode.child });
      await post('/caf-episodes', { childRef, episode });
      bytes += JSON.stringify(episode).length;
    }
    const suites = ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === 'ECAF-MIG-001.migration-export') })).filter(
      (s) => s.tests.length,
    );
    const result = await runSuites({
      statement: referenceStatement(),
      driver: new HttpDriver(sut.url),
      mock: new MockClient(mocks.url, controlToken),
      mockPublicUrl: mocks.url,
      suites,
    });
    const test = result.tests.find((t) => t.id === 'ECAF-MIG-001.migration-export')!;
    expect(test.status, test.reason).toBe('PASSED');
    const batch = test.exchanges.find((e) => e.operationId === 'importMigrationBatch')!;
    expect(typeof batch.requestBody).toBe('object');
    expect(JSON.stringify(batch.requestBody).length).toBeGreaterThan(256 * 1024);
  }, 60_000);
});
