/**
 * Offline mode: judge recorded traffic without a live system. A journal export (NDJSON, from the
 * control API) is judged as recorded; a HAR file from any proxy or browser is replayed into a fresh
 * in-process mock, so every message meets exactly the rules a live run applies.
 */
import { randomUUID } from 'node:crypto';
import { summarise } from '../engine/runner.js';
import { readFile } from 'node:fs/promises';
import { createMockServices, DEFAULT_SESSION_ID } from '../../mock-server/mock.js';
import type { JournalEntry } from '../../platform/journal.js';
import { judgeSutTraffic } from '../engine/judge.js';
import { toExchanges } from '../engine/runner.js';
import { TestContext } from '../engine/context.js';
import { ConfigError, type Statement } from '../model/statement.js';
import type { RunResult } from '../model/result.js';
import { RESULT_SCHEMA_VERSION } from '../model/result.js';
import { CATALOGUE_VERSION, REQUIREMENTS } from '../model/catalogue.js';
import { VERSION } from '../../platform/version.js';
import type { MockClient } from '../engine/mock-client.js';
import type { Driver } from '../engine/driver.js';
import type { TestResult } from '../engine/types.js';
import { SyntheticData } from '../engine/synthetic.js';
import { DEFAULT_TIMEOUTS } from '../engine/context.js';

interface Har {
  log: {
    entries: Array<{
      startedDateTime: string;
      time: number;
      request: { method: string; url: string; headers: Array<{ name: string; value: string }>; postData?: { mimeType?: string; text?: string } };
      response: { status: number };
    }>;
  };
}

export type CaptureFormat = 'journal' | 'har';

export async function loadCapture(file: string): Promise<{ format: CaptureFormat; entries: JournalEntry[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && /"log"\s*:/.test(trimmed.slice(0, 200))) {
    let har: Har;
    try {
      har = JSON.parse(text) as Har;
    } catch (err) {
      throw new ConfigError(`${file}: not valid HAR JSON: ${(err as Error).message}`);
    }
    return { format: 'har', entries: await replayHar(har) };
  }
  const entries: JournalEntry[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      throw new ConfigError(
        `${file}: line ${i + 1} is not JSON (expected a journal export: GET /control/v1/sessions/{id}/journal?format=ndjson, or a .har file)`,
      );
    }
  }
  return { format: 'journal', entries };
}

/** Replays each national-service request of a HAR file through a fresh mock, as the SUT's client. */
async function replayHar(har: Har): Promise<JournalEntry[]> {
  const mock = createMockServices({ demoSession: true });
  try {
    for (const e of har.log.entries) {
      const url = new URL(e.request.url);
      if (!/^\/(contactpoint|ecaf)\/v1\//.test(url.pathname)) continue;
      const ct = e.request.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? e.request.postData?.mimeType;
      const original = e.response.status;
      const body = e.request.postData?.text;
      const auth = original === 401 ? undefined : 'Bearer demo-ics';
      await mock.pipeline.handle({
        method: e.request.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: { ...(auth ? { authorization: auth } : {}), ...(ct ? { 'content-type': ct } : {}) },
        body:
          body !== undefined
            ? (async function* () {
                yield Buffer.from(body);
              })()
            : null,
      });
    }
    return [...mock.journal.all(DEFAULT_SESSION_ID)];
  } finally {
    mock.close();
  }
}

export function judgeCapture(
  entries: JournalEntry[],
  opts: { statement: Statement; client: string; source: string; format: CaptureFormat },
): RunResult {
  const started = new Date();
  const national = entries.filter((e) => e.service === 'contactpoint' || e.service === 'ecaf');
  const client = opts.format === 'har' ? 'ics' : opts.client;
  const stub = { lastSeq: () => 0 } as unknown as MockClient;
  const ctx = new TestContext(
    { mode: 'automated' } as Driver,
    stub,
    new SyntheticData(1, '2009-11-02', 1),
    DEFAULT_TIMEOUTS,
    client,
    undefined,
    new Map(),
  );
  judgeSutTraffic(ctx, national, '');
  for (const e of national.filter((x) => x.clientId === client && x.status < 300 && x.method !== 'GET'))
    ctx.check(e.service === 'ecaf' ? 'ECAF-SCHEMA-001' : 'CP-FEED-014', true, `${e.operationId} accepted (${e.status})`, { exchange: e.seq });
  const exchanges = toExchanges(national, [], client);
  const fails = ctx.checks.filter((c) => c.verdict === 'fail');
  const status: TestResult['status'] = fails.length
    ? 'FAILED'
    : ctx.checks.some((c) => c.verdict === 'warn')
      ? 'WARNING'
      : ctx.checks.length
        ? 'PASSED'
        : 'ERROR';
  const test: TestResult = {
    id: 'offline.captured-traffic',
    suite: 'offline',
    title: `Recorded traffic (${opts.format}: ${opts.source})`,
    requirements: [...new Set(ctx.checks.map((c) => c.requirement))],
    capability: 'core',
    mandatory: true,
    status,
    ...(fails.length
      ? { reason: `${fails[0]!.requirement}: ${fails[0]!.message}` }
      : status === 'ERROR'
        ? { reason: 'the capture holds no national-service traffic from the system' }
        : {}),
    startedAt: started.toISOString(),
    durationMs: 0,
    checks: ctx.checks,
    exchanges,
    attestations: [],
    steps: [],
  };
  const failedReqs = new Set(fails.map((c) => c.requirement));
  const checkedReqs = new Set(ctx.checks.map((c) => c.requirement));
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    harness: { name: 'ics-conformance', version: VERSION },
    catalogueVersion: CATALOGUE_VERSION,
    run: {
      id: randomUUID(),
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - started.getTime(),
      mode: 'offline',
    },
    sut: { vendor: opts.statement.vendor, product: opts.statement.product, version: opts.statement.version },
    statement: opts.statement,
    summary: summarise([test]),
    tests: [test],
    requirements: REQUIREMENTS.filter((r) => r.appliesTo === 'sut').map((r) => ({
      id: r.id,
      statement: r.statement,
      level: r.level,
      capability: r.capability,
      status: failedReqs.has(r.id) ? 'FAILED' : checkedReqs.has(r.id) ? 'PASSED' : 'NOT_TESTED',
      tests: checkedReqs.has(r.id) ? [test.id] : [],
      ...(r.noTestReason ? { noTestReason: r.noTestReason } : {}),
    })),
    waivers: [],
  };
}
