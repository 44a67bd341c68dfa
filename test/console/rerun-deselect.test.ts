/** A console re-run of one test (`only`) with a statement that deselects another: the deselect names a test of the whole catalogue, not an unknown one. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/mock-server/server.js';
import { startReferenceIcs, type RunningReferenceIcs } from '../../reference-ics/app.js';
import { mountConsole } from '../../src/console/app.js';
import type { RunManager } from '../../src/console/runs.js';

let server: RunningServer;
let ics: RunningReferenceIcs;
let runs: RunManager;
beforeAll(async () => {
  ics = await startReferenceIcs({ port: 0 });
  server = await startServer({
    port: 0,
    controlToken: 'ctl-rerun',
    extend: (app, mock) => {
      const c = mountConsole(app, mock, { runsDir: mkdtempSync(join(tmpdir(), 'ics-rerun-')) });
      runs = c.runs;
      return c;
    },
  });
});
afterAll(async () => {
  await server.close();
  await ics.close();
});

it('runs the one test and writes its PARTIAL bundle, instead of failing on the deselected test outside it', async () => {
  const statement =
    'vendor: ics-conformance project\nproduct: Reference ICS\nversion: 1.0.0\nsourceSystemType: ' +
    'ics\ncapabilities: [contactpoint-feed]\ndeselect: [CP-FEED-011.initial-load]\nattestations:\n  - { ' +
    'requirement: SEC-TLS-001, answer: yes, by: Test }\n';
  const view = await runs.start({ statement, sutUrl: ics.url, only: 'SEC-TLS-001.attestation' });
  await runs.settled(view.id);
  const done = runs.view(view.id)!;
  expect(done.error).toBeUndefined();
  expect(done.state).toBe('finished');
  expect(done.summary?.label).toBe('PARTIAL (1 test: SEC-TLS-001.attestation): PASS');
  expect(done.summary?.exitCode).toBe(2);
});
