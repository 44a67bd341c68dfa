/**
 * Runs the selected suites against the system under test: a fresh mock session, the SUT configured
 * to use it, each test in turn with its evidence, then requirement traceability, waivers, verdict.
 */
import { randomUUID } from 'node:crypto';
import type { Driver } from './driver.js';
import { DriverError, HttpDriver, SutUnreachableError } from './driver.js';
import { HarnessError, type MockClient } from './mock-client.js';
import type { JournalEntry } from '../../platform/journal.js';
import { DEFAULT_TIMEOUTS, RetryTest, SkipTest, TestContext, childKey, childrenOf, type Prompter, type Timeouts } from './context.js';
import { SyntheticData } from './synthetic.js';
import { judgeSutTraffic } from './judge.js';
import { CATALOGUE_VERSION, REQUIREMENTS, requirement } from '../model/catalogue.js';
import type { Attestation, Capability, Exchange, Suite, TestDef, TestResult } from './types.js';
import { CAPABILITIES } from './types.js';
import type { Statement } from '../model/statement.js';
import { ConfigError } from '../model/statement.js';
import { profileFor } from '../model/profiles.js';
import type { RequirementResult, RunResult, RunSummary, WaiverResult } from '../model/result.js';
import { RESULT_SCHEMA_VERSION } from '../model/result.js';
import { VERSION } from '../../platform/version.js';
import { isoDate } from '../../platform/clock.js';
import { maskSecrets } from '../model/mask.js';
import { hardChildrenTable } from '../model/hard-children.js';
import { checkIdentity, gateOnIdentity, markIdentityWaivers } from '../model/identity.js';

export type ProgressEvent =
  { type: 'start'; total: number } | { type: 'test-start'; test: TestDef; suite: Suite } | { type: 'test-end'; result: TestResult };

export interface RunOptions {
  statement: Statement;
  driver: Driver;
  mock: MockClient;
  /** The mocks' base URL as the SUT reaches it. */
  mockPublicUrl: string;
  suites: Suite[];
  /** Every suite `suites` was narrowed from (a selection, a resume): the statement's `deselect` names tests among these. */
  catalogue?: Suite[];
  prompter?: Prompter;
  timeouts?: Partial<Timeouts>;
  /** Today, for waiver expiry (default: now). */
  today?: string;
  onProgress?: (e: ProgressEvent) => void;
  /** Aborted on SIGINT/SIGTERM: the tests not yet run end ERROR, the verdict is incomplete, the bundle is still written. */
  signal?: AbortSignal;
}

/** The SUT is configured as this client of the session: a registered ICS source system. */
export const SUT_CLIENT = 'ics';

/** `catalogue`: every suite the run's were narrowed from (a selection, a resume), against which `deselect` is checked. */
export function selectTests(
  statement: Statement,
  suites: Suite[],
  catalogue: Suite[] = suites,
): Array<{ suite: Suite; test: TestDef; capability: Capability; mandatory: boolean; skip?: string }> {
  // Core tests alone accredit nothing: a statement must say what the system does.
  if (statement.capabilities.length === 0)
    throw new ConfigError(
      `capabilities: declare at least one of ${Object.keys(CAPABILITIES)
        .filter((c) => c !== 'core')
        .join(', ')} (see \`ics-conformance list\`)`,
    );
  const declared = new Set<Capability>(['core', ...statement.capabilities]);
  const deselect = new Set(statement.deselect ?? []);
  const known = new Set(catalogue.flatMap((s) => s.tests.map((t) => t.id)));
  for (const id of deselect) if (!known.has(id)) throw new ConfigError(`deselect: unknown test "${id}" (see \`ics-conformance list\`)`);
  const out = [];
  for (const suite of suites)
    for (const test of suite.tests) {
      const capability = test.capability ?? suite.capability;
      const mandatory = test.mandatory ?? true;
      if (!declared.has(capability)) {
        out.push({ suite, test, capability, mandatory, skip: `capability "${capability}" not declared in the conformance statement` });
        continue;
      }
      if (deselect.has(test.id)) {
        if (mandatory)
          throw new ConfigError(`deselect: "${test.id}" is mandatory for the declared capability "${capability}" and cannot be deselected`);
        out.push({ suite, test, capability, mandatory, skip: 'deselected in the conformance statement' });
        continue;
      }
      out.push({ suite, test, capability, mandatory });
    }
  return out;
}

export async function runSuites(opts: RunOptions): Promise<RunResult> {
  const startedAt = new Date();
  const timeouts: Timeouts = { ...DEFAULT_TIMEOUTS, ...(opts.statement.timeouts ?? {}), ...(opts.timeouts ?? {}) };
  const selected = selectTests(opts.statement, opts.suites, opts.catalogue);
  const pre = new Map<string, Attestation>((opts.statement.attestations ?? []).map((a) => [a.requirement, { ...a, question: '' }]));
  const results: TestResult[] = [];
  opts.onProgress?.({ type: 'start', total: selected.length });
  let sut = { vendor: opts.statement.vendor, product: opts.statement.product, version: opts.statement.version };
  let fatal: string | undefined;
  let reported: typeof sut | undefined;
  // The setup calls' exchanges: the evidence of an ERROR that stops the run before any test.
  const setup: Array<Omit<Exchange, 'n'>> = [];
  (opts.driver as Driver & { sink?: (e: Omit<Exchange, 'n'>) => void }).sink = (e) => setup.push(e);
  try {
    await opts.mock.createSession(`${opts.statement.vendor} ${opts.statement.product} ${opts.statement.version}`);
    sut = reported = await opts.driver.system();
    const token = opts.mock.token(SUT_CLIENT);
    await opts.driver.configure({ contactPoint: { baseUrl: opts.mockPublicUrl, token }, ecaf: { baseUrl: opts.mockPublicUrl, token } });
  } catch (err) {
    fatal =
      err instanceof SutUnreachableError || err instanceof HarnessError || err instanceof DriverError
        ? err.message
        : `harness error: ${(err as Error).message}`;
  } finally {
    (opts.driver as Driver & { sink?: unknown }).sink = undefined;
  }
  const data = new SyntheticData(opts.statement.seed ?? 20091102, isoDate(new Date()));
  // Which earlier test brought each child into play: a late message about it is judged there.
  const owners = new Map<string, Ran>();
  for (const sel of selected) {
    opts.onProgress?.({ type: 'test-start', test: sel.test, suite: sel.suite });
    const base = {
      id: sel.test.id,
      suite: sel.suite.id,
      title: sel.test.title,
      requirements: sel.test.requirements,
      capability: sel.capability,
      mandatory: sel.mandatory,
      startedAt: new Date().toISOString(),
      ...(sel.test.hardChild ? { hardChild: sel.test.hardChild } : {}),
    };
    let result: TestResult;
    // A dead or garbage SUT (the driver's circuit breaker) or an interrupted run ends every test still to come at once.
    const stop = fatal ?? (opts.signal?.aborted ? `not run: the run was interrupted (${String(opts.signal.reason)})` : opts.driver.circuitOpen?.());
    if (sel.skip || stop) {
      const evidence = !sel.skip && fatal ? toExchanges([], setup.splice(0)) : [];
      result = {
        ...base,
        status: sel.skip ? 'SKIPPED' : 'ERROR',
        reason: sel.skip ?? stop ?? 'not run',
        durationMs: 0,
        checks: [],
        exchanges: evidence,
        attestations: [],
        steps: [],
      };
    } else {
      try {
        let ran: Ran;
        // The tester's "retry" at a prompt starts the test again from its first step, with fresh data.
        for (;;) {
          try {
            ran = await runOne(opts, sel.test, base, data, timeouts, pre, owners);
            break;
          } catch (err) {
            if (!(err instanceof RetryTest) || opts.signal?.aborted) throw err;
            opts.onProgress?.({ type: 'test-start', test: sel.test, suite: sel.suite });
          }
        }
        result = ran.result;
        for (const k of ran.ctx.owned) if (!owners.has(k)) owners.set(k, ran);
      } catch (err) {
        // A fault of the harness's own, judging or filing this test: an ERROR for it, and the run (and its bundle) goes on.
        result = {
          ...base,
          status: 'ERROR',
          reason: `harness error: ${(err as Error).stack ?? String(err)}`,
          durationMs: 0,
          checks: [],
          exchanges: [],
          attestations: [],
          steps: [],
        };
      }
    }
    results.push(result);
    opts.onProgress?.({ type: 'test-end', result });
  }
  if (!fatal) await opts.mock.deleteSession().catch(() => undefined);
  const today = opts.today ?? isoDate(new Date());
  const identity = checkIdentity(opts.statement, reported, today);
  const waivers = markIdentityWaivers(applyWaivers(results, opts.statement, today), identity);
  const requirements = traceability(results, opts.suites);
  const interrupted = opts.signal?.aborted ? String(opts.signal.reason) : undefined;
  const summary = runVerdict(results, identity, interrupted);
  const finishedAt = new Date();
  const hardChildren = hardChildrenTable({ tests: results });
  // The run's tokens (configure calls, rotations, a token a faulty system put in a URL) never leave the engine.
  const secrets = opts.mock.session?.credentials.map((c) => c.token) ?? [];
  return maskSecrets(
    {
      schemaVersion: RESULT_SCHEMA_VERSION,
      harness: { name: 'ics-conformance', version: VERSION },
      catalogueVersion: CATALOGUE_VERSION,
      run: {
        id: randomUUID(),
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        mode: opts.driver.mode,
        mockUrl: opts.mockPublicUrl,
        ...(opts.mock.session ? { sessionId: opts.mock.session.id } : {}),
        ...(interrupted ? { interrupted } : {}),
      },
      sut: { ...sut, ...(opts.driver instanceof HttpDriver ? { driverUrl: opts.driver.baseUrl } : {}) },
      identity,
      statement: opts.statement,
      summary,
      tests: results,
      requirements,
      waivers,
      ...(hardChildren ? { hardChildren } : {}),
    } satisfies RunResult,
    secrets,
  );
}

interface Ran {
  result: TestResult;
  ctx: TestContext;
}

/** The earlier test a journal entry belongs to, by the children it is about (undefined: this test's). */
function ownerOf(e: JournalEntry, owners: Map<string, Ran>, ctx: TestContext): Ran | undefined {
  const kids = childrenOf(e);
  if (kids.length === 0 || ctx.ownsEntry(e)) return undefined;
  for (const c of kids) {
    const o = owners.get(childKey(c) ?? '');
    if (o) return o;
  }
  return undefined;
}

async function runOne(
  opts: RunOptions,
  test: TestDef,
  base: Pick<TestResult, 'id' | 'suite' | 'title' | 'requirements' | 'capability' | 'mandatory' | 'startedAt' | 'hardChild'>,
  data: SyntheticData,
  timeouts: Timeouts,
  pre: Map<string, Attestation>,
  owners: Map<string, Ran>,
): Promise<Ran> {
  const t0 = performance.now();
  const ctx = new TestContext(opts.driver, opts.mock, data, timeouts, SUT_CLIENT, opts.prompter, pre);
  ctx.foreign = (e) => ownerOf(e, owners, ctx) !== undefined;
  ctx.retry = opts.statement.retry ?? {};
  ctx.profile = profileFor(opts.statement.sourceSystemType);
  const driver = opts.driver as Driver & { sink?: ((e: Omit<Exchange, 'n'>) => void) | undefined };
  driver.sink = (e) => ctx.harnessCalls.push(e);
  let status: TestResult['status'] | undefined;
  let reason: string | undefined;
  try {
    await test.run(ctx);
  } catch (err) {
    if (err instanceof RetryTest) {
      driver.sink = undefined;
      await opts.mock.clearFaults().catch(() => undefined);
      throw err;
    }
    if (err instanceof SkipTest) [status, reason] = ['SKIPPED', err.message];
    else if (err instanceof SutUnreachableError || err instanceof HarnessError) [status, reason] = ['ERROR', err.message];
    else if (err instanceof DriverError) [status, reason] = ['ERROR', `the driver API could not perform the step: ${err.message}`];
    else [status, reason] = ['ERROR', `harness error: ${(err as Error).stack ?? String(err)}`];
  } finally {
    driver.sink = undefined;
    await opts.mock.clearFaults().catch(() => undefined);
  }
  let entries: Awaited<ReturnType<MockClient['entriesAfter']>> = [];
  try {
    // The system's last messages about this scenario land here, not in the next one: wait until it has been quiet.
    await opts.mock.settle(timeouts.quietMs, timeouts.messageMs);
    entries = await opts.mock.entriesAfter(ctx.startSeq);
  } catch (err) {
    [status, reason] = ['ERROR', (err as Error).message];
  }
  // A late message about an earlier scenario's child is evidence there, judged there.
  const mine: JournalEntry[] = [];
  for (const e of entries) {
    const owner = ownerOf(e, owners, ctx);
    if (!owner) mine.push(e);
    else lateArrival(owner, e);
  }
  const judged = status !== 'ERROR' && status !== 'SKIPPED';
  if (judged) judgeSutTraffic(ctx, mine, safeToken(opts.mock));
  const result: TestResult = {
    ...base,
    status: status ?? 'PASSED',
    ...(reason ? { reason } : {}),
    durationMs: Math.round(performance.now() - t0),
    checks: ctx.checks,
    exchanges: toExchanges(mine, ctx.harnessCalls),
    attestations: ctx.attestations,
    steps: ctx.steps,
  };
  if (!status) conclude(result);
  return { result, ctx };

  function lateArrival(owner: Ran, e: JournalEntry): void {
    const r = owner.result;
    const [late] = toExchanges([e], []);
    r.exchanges.push({ ...late!, n: r.exchanges.length + 1, late: true });
    if (r.status === 'ERROR' || r.status === 'SKIPPED') return;
    const before = owner.ctx.checks.length;
    judgeSutTraffic(owner.ctx, [e], safeToken(opts.mock));
    if (owner.ctx.checks.length > before) conclude(r);
  }
}

/** A test's status and reason from its checks; a refusal by the mock (the root cause) is shown first. */
function conclude(r: TestResult): void {
  r.checks.sort((a, b) => (a.cause === 'refusal' ? 0 : 1) - (b.cause === 'refusal' ? 0 : 1));
  const fails = r.checks.filter((c) => c.verdict === 'fail');
  delete r.reason;
  if (fails.length) [r.status, r.reason] = ['FAILED', `${fails[0]!.requirement}: ${fails[0]!.message}`];
  else if (r.attestations.some((a) => a.answer === 'pending'))
    [r.status, r.reason] = [
      'REVIEW',
      'waiting for a human to attest: ' +
        r.attestations
          .filter((a) => a.answer === 'pending')
          .map((a) => a.requirement)
          .join(', '),
    ];
  else if (r.checks.some((c) => c.verdict === 'warn')) [r.status, r.reason] = ['WARNING', r.checks.find((c) => c.verdict === 'warn')!.message];
  else if (r.checks.length === 0) [r.status, r.reason] = ['ERROR', 'the test made no checks'];
  else r.status = 'PASSED';
}

function safeToken(mock: MockClient): string {
  try {
    return mock.token(SUT_CLIENT);
  } catch {
    return '';
  }
}

/** Journal entries (and the harness's own calls) as a test's evidence, in time order. */
export function toExchanges(entries: JournalEntry[], harness: Array<Omit<Exchange, 'n'>>, sutClient = SUT_CLIENT): Exchange[] {
  const fromJournal: Array<Omit<Exchange, 'n'>> = entries.map((e) => ({
    direction: e.clientId === sutClient ? 'sut->mock' : 'harness->mock',
    at: e.at,
    durationMs: e.durationMs,
    service: e.service,
    operationId: e.operationId,
    method: e.method,
    url: e.path + (Object.keys(e.query).length ? `?${new URLSearchParams(e.query).toString()}` : ''),
    requestHeaders: e.requestHeaders,
    ...(e.requestBody !== undefined ? { requestBody: e.requestBody } : {}),
    status: e.status,
    ...(e.responseBody !== undefined ? { responseBody: e.responseBody } : {}),
    verdict: e.verdict,
    journalSeq: e.seq,
    ...(e.fault !== undefined ? { fault: e.fault } : {}),
  }));
  return [...fromJournal, ...harness].sort((a, b) => a.at.localeCompare(b.at)).map((e, i) => ({ n: i + 1, ...e }));
}

export function applyWaivers(results: TestResult[], statement: Statement, today: string): WaiverResult[] {
  return (statement.waivers ?? []).map((w) => {
    if (w.expires < today) return { ...w, state: 'expired' as const };
    let used = false;
    for (const r of results) {
      if (r.status !== 'FAILED' && r.status !== 'WARNING') continue;
      const failing = new Set(r.checks.filter((c) => c.verdict !== 'pass').map((c) => c.requirement));
      const covers = (w.test && w.test === r.id) || (w.requirement && failing.size > 0 && [...failing].every((req) => req === w.requirement));
      if (covers) {
        r.waiver = { reason: w.reason, approver: w.approver, expires: w.expires };
        used = true;
      }
    }
    return { ...w, state: used ? ('used' as const) : ('unused' as const) };
  });
}

export function traceability(results: TestResult[], suites: Suite[]): RequirementResult[] {
  const citing = new Map<string, string[]>();
  for (const s of suites) for (const t of s.tests) for (const r of t.requirements) citing.set(r, [...(citing.get(r) ?? []), t.id]);
  return REQUIREMENTS.filter((r) => r.appliesTo === 'sut').map((r) => {
    const tests = citing.get(r.id) ?? [];
    const ran = results.filter((x) => tests.includes(x.id) || x.checks.some((c) => c.requirement === r.id));
    const checks = ran.flatMap((x) => x.checks.filter((c) => c.requirement === r.id).map((c) => ({ c, waived: !!x.waiver })));
    let status: RequirementResult['status'];
    if (checks.some(({ c, waived }) => c.verdict === 'fail' && !waived)) status = 'FAILED';
    else if (checks.some(({ c }) => c.verdict === 'fail')) status = 'WAIVED';
    else if (checks.some(({ c }) => c.verdict === 'warn')) status = 'WARNING';
    else if (ran.some((x) => x.attestations.some((a) => a.requirement === r.id && a.answer === 'pending'))) status = 'REVIEW';
    else if (checks.length > 0) status = 'PASSED';
    else if (ran.length > 0 && ran.every((x) => x.status === 'SKIPPED')) status = 'SKIPPED';
    else status = 'NOT_TESTED';
    return {
      id: r.id,
      statement: r.statement,
      level: r.level,
      capability: r.capability,
      status,
      tests: [...new Set([...tests, ...ran.map((x) => x.id)])],
      ...(r.noTestReason ? { noTestReason: r.noTestReason } : {}),
    };
  });
}

/** One exit code per verdict, wherever a summary is made (README's table). */
export const VERDICT_EXIT = { error: 3, fail: 1, incomplete: 2, pass: 0 } as const;

/** Why a test that never ran ended ERROR: an interruption or a stop, not a finding. */
export const NOT_RUN = /^not run: |the run was interrupted \(/;

/**
 * The run's summary: the tests' verdict, gated on the system's identity; an interrupted run (a
 * signal, or the tester quitting) is INCOMPLETE whatever it had found, saying how far it got.
 */
export function runVerdict(results: TestResult[], identity: ReturnType<typeof checkIdentity>, interrupted?: string): RunSummary {
  const gated = gateOnIdentity(summarise(results), identity);
  if (!interrupted) return gated;
  const ran = results.filter((t) => !NOT_RUN.test(t.reason ?? ''));
  const sofar = ran.length ? gateOnIdentity(summarise(ran), identity).label : '';
  const label = `INCOMPLETE: interrupted (${interrupted}) ${ran.length ? `after ${ran.length} of ${results.length} tests (${sofar} so far)` : `before any of ${results.length} tests ended`}`;
  return { ...gated, verdict: 'incomplete', label, exitCode: VERDICT_EXIT.incomplete };
}

export function summarise(results: TestResult[]): RunSummary {
  const count = (s: TestResult['status']) => results.filter((r) => r.status === s).length;
  const blocking = results.filter((r) => r.status === 'FAILED' && !r.waiver).length;
  const errors = count('ERROR');
  const review = count('REVIEW');
  // Nothing judged is not a pass: a run whose every test was skipped accredits nothing.
  const incomplete = results.every((r) => r.status === 'SKIPPED');
  const verdict: RunSummary['verdict'] = errors > 0 ? 'error' : blocking > 0 ? 'fail' : incomplete ? 'incomplete' : 'pass';
  const exitCode = VERDICT_EXIT[verdict];
  const label = verdict === 'pass' && review > 0 ? `PASS, ${review} awaiting review` : verdict.toUpperCase();
  return {
    total: results.length,
    PASSED: count('PASSED'),
    FAILED: count('FAILED'),
    WARNING: count('WARNING'),
    SKIPPED: count('SKIPPED'),
    ERROR: errors,
    REVIEW: count('REVIEW'),
    waived: results.filter((r) => r.waiver).length,
    verdict,
    label,
    exitCode,
  };
}

export { requirement };
