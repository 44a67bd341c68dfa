/**
 * The prepare worker (src/platform/offload.ts, docs/decisions/0009): parses, validates and prepares
 * request bodies off the main thread, with the same preparers the main thread would run.
 */
import { parentPort } from 'node:worker_threads';
import { runPreparer, type PrepareResult } from '../../platform/offload.js';
import { PREPARERS } from '../preparers.js';

parentPort!.on('message', (m: { id: number; jobs: Array<[string, string[]]> }) => {
  const results = m.jobs.map(([name, texts]): Array<PrepareResult> => {
    const p = PREPARERS[name];
    return p ? texts.map((t) => runPreparer(p, t)) : texts.map(() => ({ ok: false, internal: `no preparer "${name}" in the worker` }));
  });
  parentPort!.postMessage({ id: m.id, results });
});
