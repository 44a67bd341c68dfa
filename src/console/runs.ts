/**
 * Runs started from the console: a conformance statement (validated as the CLI validates it), the
 * engine's runSuites over HTTP against this same server (decision 0005), progress and prompt cards
 * published to the page, and the evidence bundle written to the console's runs directory.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseStatement, type Statement } from '../engine/statement.js';
import { ConfigError } from '../engine/config-error.js';
import { ProblemError } from '../core/problem.js';
import type { JournalEntry } from '../core/journal.js';
import type { MockServices } from '../mock.js';
import type { RunSummary } from '../engine/result.js';
import { HarnessError } from '../engine/mock-client.js';
import type { Status, Suite } from '../engine/types.js';
import { BrowserPrompter, type Answer, type PromptCard } from './prompter.js';

export interface TestRow {
  id: string;
  suite: string;
  title: string;
  status: Status | 'PENDING' | 'RUNNING';
  reason?: string;
  durationMs?: number;
}

export interface RunView {
  id: string;
  state: 'starting' | 'running' | 'finished' | 'failed';
  mode: 'automated' | 'interactive';
  vendor: string;
  product: string;
  version: string;
  startedAt: string;
  finishedAt?: string;
  /** The mock session the run drives (its journal is the run's live journal). */
  sessionId?: string;
  total: number;
  tests: TestRow[];
  cards: PromptCard[];
  summary?: Pick<RunSummary, 'verdict' | 'label' | 'exitCode' | 'total' | 'PASSED' | 'FAILED' | 'WARNING' | 'SKIPPED' | 'ERROR' | 'REVIEW'>;
  /** Why the run could not finish (the harness's own failure). */
  error?: string;
  /** Set when someone stopped the run: it still writes a bundle, marked INCOMPLETE. */
  stopped?: { by: string; at: string };
  /** The test or suite this run was limited to. */
  only?: string;
}

export interface StartRequest {
  statement?: unknown;
  sutUrl?: unknown;
  interactive?: unknown;
  /** Run only this test (a re-run of one test, or one suite's id for the suite): the verdict then says PARTIAL. */
  only?: unknown;
}

/** Run ids are directory names under the runs directory: nothing else is ever read from it. */
export const RUN_ID = /^run-[0-9]{8}T[0-9]{6}-[a-f0-9]{6}$/;

interface Live {
  view: RunView;
  prompter: BrowserPrompter | undefined;
  done: Promise<void>;
  /** What started it, for a re-run of one of its tests. */
  request: { statement: string; sutUrl?: string; interactive: boolean };
  stop?: HarnessError;
}

/** What a stopped run's remaining steps throw: the engine records it as each test's reason. */
class StoppedError extends HarnessError {}

/** Interactive runs wait for a person: minutes, not the automated defaults (as `run --interactive`). */
const INTERACTIVE_TIMEOUTS = { messageMs: 300_000, giveUpMs: 600_000, quietMs: 5_000 };

export class RunManager {
  private readonly live = new Map<string, Live>();
  readonly events = new EventEmitter();
  private url = '';

  constructor(
    private readonly mock: MockServices,
    readonly runsDir: string,
    /** The suites a run selects from (default: every suite). */
    private readonly suites?: Suite[],
    /** The mocks' URL as the vendor's ICS reaches them (a TLS proxy's), if not this server's own. */
    private readonly publicUrl?: string,
  ) {
    this.events.setMaxListeners(0);
  }

  listening(url: string): void {
    this.url = url;
  }

  /** Validates the request and starts the run; bad input throws a ProblemError and starts nothing. */
  async start(req: StartRequest): Promise<RunView> {
    if (typeof req.statement !== 'string' || !req.statement.trim())
      throw invalid('/statement', 'required', 'paste or upload a conformance statement (YAML or JSON; `ics-conformance init` writes one)');
    let statement: Statement;
    const [{ selectTests }, { ALL_SUITES }] = await Promise.all([import('../engine/runner.js'), import('../../suites/index.js')]);
    try {
      statement = parseStatement(req.statement, 'statement');
      // The same selection errors as `run` (no capability declared, a mandatory test deselected), before anything starts.
      selectTests(statement, this.suites ?? ALL_SUITES);
    } catch (err) {
      if (err instanceof ConfigError) throw invalid('/statement', 'conformance-statement', err.message);
      throw err;
    }
    const interactive = req.interactive === true;
    let suites = this.suites ?? ALL_SUITES;
    let only: string | undefined;
    if (req.only !== undefined) {
      only = String(req.only);
      const bySuite = suites.filter((s) => s.id === only);
      const byTest = suites.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === only) })).filter((s) => s.tests.length > 0);
      suites = bySuite.length ? bySuite : byTest;
      if (suites.length === 0) throw invalid('/only', 'known-test', `unknown test or suite "${only}" (see \`ics-conformance list\`)`);
    }
    const sutUrl = typeof req.sutUrl === 'string' && req.sutUrl.trim() ? req.sutUrl.trim() : statement.sut?.driverUrl;
    if (!interactive) {
      if (!sutUrl) throw invalid('/sutUrl', 'required', 'no system under test: give the driver API URL (or sut.driverUrl in the statement), or choose a witnessed (interactive) run');
      if (!/^https?:\/\/[^\s/]+/.test(sutUrl)) throw invalid('/sutUrl', 'format:uri', `"${sutUrl}" is not an http(s) URL`);
    }
    if (!this.url) throw new ProblemError('ICS_ERR_INTERNAL', { detail: 'the server is not listening yet' });
    const id = newRunId();
    const view: RunView = {
      id,
      state: 'starting',
      mode: interactive ? 'interactive' : 'automated',
      vendor: statement.vendor,
      product: statement.product,
      version: statement.version,
      startedAt: new Date().toISOString(),
      total: 0,
      tests: [],
      cards: [],
      ...(only ? { only } : {}),
    };
    const entry: Live = { view, prompter: undefined, done: Promise.resolve(), request: { statement: req.statement, interactive, ...(sutUrl ? { sutUrl } : {}) } };
    this.live.set(id, entry);
    entry.done = this.execute(entry, statement, interactive, sutUrl, suites);
    return view;
  }

  private async execute(entry: Live, statement: Statement, interactive: boolean, sutUrl: string | undefined, suites: Suite[]): Promise<void> {
    const { view } = entry;
    const publish = () => this.events.emit(view.id, view);
    const [{ runSuites, summarise }, { HttpDriver }, { InteractiveDriver }, { MockClient }, { writeRunDirectory }, { makeReporters }] = await Promise.all([
      import('../engine/runner.js'),
      import('../engine/driver.js'),
      import('../engine/interactive.js'),
      import('../engine/mock-client.js'),
      import('../evidence/bundle.js'),
      import('../cli/options.js'),
    ]);
    const client = new MockClient(this.url, this.mock.controlToken, this.publicUrl ?? this.url);
    const prompter = interactive ? new BrowserPrompter(publish, () => client.session?.credentials.map((c) => c.token) ?? [], () => entry.stop) : undefined;
    entry.prompter = prompter;
    view.cards = prompter?.cards ?? [];
    // The system's messages in the run's session turn the latest instruction card green or red as they arrive.
    const off = this.mock.journal.subscribe('*', (e: JournalEntry) => {
      if (!client.session || e.sessionId !== client.session.id) return;
      if (!view.sessionId) {
        view.sessionId = e.sessionId;
        publish();
      }
      if (prompter && e.clientId === 'ics')
        prompter.observe({ seq: e.seq, operationId: e.operationId, status: e.status, verdict: e.verdict, problems: (e.problems ?? []).map(({ path, rule, requirement, message }) => ({ path, rule, requirement, message })) });
    });
    view.state = 'running';
    publish();
    try {
      const result = await runSuites({
        statement,
        driver: stoppable(prompter ? new InteractiveDriver(prompter, statement) : new HttpDriver(sutUrl!), () => entry.stop),
        mock: stoppable(client, () => entry.stop, ['token', 'lastSeq', 'deleteSession', 'entriesAfter'], ['settle']),
        mockPublicUrl: this.publicUrl ?? this.url,
        suites,
        ...(prompter ? { prompter, timeouts: INTERACTIVE_TIMEOUTS } : {}),
        onProgress: (e) => {
          if (e.type === 'start') view.total = e.total;
          else if (e.type === 'test-start') {
            if (!view.sessionId && client.session) view.sessionId = client.session.id;
            if (prompter) prompter.currentTest = e.test.id;
            view.tests.push({ id: e.test.id, suite: e.suite.id, title: e.test.title, status: 'RUNNING' });
          } else {
            const row = view.tests.find((t) => t.id === e.result.id);
            if (row) Object.assign(row, { status: e.result.status, durationMs: e.result.durationMs, ...(e.result.reason ? { reason: e.result.reason } : {}) });
          }
          publish();
        },
      });
      const partial = !!view.only;
      if (entry.stop || partial) {
        // A stopped or one-test run is evidence of what ran, never an accreditation verdict.
        const s = summarise(result.tests);
        const ran = result.tests.filter((t) => !(entry.stop && t.reason?.includes(entry.stop.message))).length;
        const judged = entry.stop ? summarise(result.tests.slice(0, ran)) : s;
        const label = entry.stop
          ? `INCOMPLETE: stopped by ${view.stopped!.by} ${ran ? `after ${ran} of ${result.tests.length} tests (${judged.label} so far)` : `before any of ${result.tests.length} tests ended`}`
          : `PARTIAL (${result.tests.length} test${result.tests.length === 1 ? '' : 's'}: ${view.only}): ${s.label}`;
        const verdict = entry.stop || s.verdict === 'pass' ? 'incomplete' : s.verdict;
        result.summary = { ...s, verdict, label, exitCode: ({ error: 3, fail: 1, incomplete: 2, pass: 0 } as const)[verdict] };
      }
      await writeRunDirectory(result, makeReporters(['json', 'junit', 'markdown', 'html']), join(this.runsDir, view.id));
      const s = result.summary;
      view.summary = { verdict: s.verdict, label: s.label, exitCode: s.exitCode, total: s.total, PASSED: s.PASSED, FAILED: s.FAILED, WARNING: s.WARNING, SKIPPED: s.SKIPPED, ERROR: s.ERROR, REVIEW: s.REVIEW };
      view.state = 'finished';
    } catch (err) {
      view.state = 'failed';
      view.error = (err as Error).message;
    } finally {
      off();
      view.finishedAt = new Date().toISOString();
      publish();
    }
  }

  view(id: string): RunView | undefined {
    return this.live.get(id)?.view;
  }

  /** Stops a run in progress: open cards are released, the remaining steps end at once, the bundle is written INCOMPLETE. */
  stop(runId: string, by: unknown): RunView {
    const entry = this.live.get(runId);
    if (!entry) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No run ${runId} in progress` });
    if (by !== undefined && (typeof by !== 'string' || by.length > 100)) throw invalid('/by', 'maxLength', 'by: who stops the run, at most 100 characters');
    if (entry.view.state === 'finished' || entry.view.state === 'failed' || entry.stop) throw new ProblemError('ICS_ERR_VALIDATION', { status: 409, detail: `Run ${runId} is not running`, errors: [{ path: '', rule: 'running', requirement: 'CTL-001', message: 'the run has already ended or is stopping' }] });
    const who = typeof by === 'string' && by.trim() ? by.trim() : 'the console';
    entry.view.stopped = { by: who, at: new Date().toISOString() };
    entry.stop = new StoppedError(`not run: the run was stopped by ${who}`);
    entry.prompter?.release();
    this.events.emit(runId, entry.view);
    return entry.view;
  }

  /** A new run of one test (or suite) of an earlier run, with the same statement, system and mode. */
  async rerun(runId: string, only: unknown): Promise<RunView> {
    const entry = this.live.get(runId);
    let request = entry?.request;
    if (!request) {
      const dir = this.runDir(runId);
      const r = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as { run: { mode: string }; sut: { driverUrl?: string } };
      request = { statement: await readFile(join(dir, 'statement.json'), 'utf8'), interactive: r.run.mode === 'interactive', ...(r.sut.driverUrl ? { sutUrl: r.sut.driverUrl } : {}) };
    }
    if (typeof only !== 'string' || !only) throw invalid('/test', 'required', 'name the test (or suite) to run again');
    return this.start({ ...request, only });
  }

  respond(runId: string, promptId: number, body: Answer): PromptCard {
    const entry = this.live.get(runId);
    if (!entry) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No run ${runId} in progress` });
    if (!entry.prompter) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `Run ${runId} is automated: it has no prompts` });
    return entry.prompter.respond(promptId, body);
  }

  /** Runs in progress and those written to the runs directory, newest first. */
  async list(): Promise<Array<Pick<RunView, 'id' | 'state' | 'vendor' | 'product' | 'version' | 'startedAt' | 'summary'>>> {
    const out = new Map<string, Pick<RunView, 'id' | 'state' | 'vendor' | 'product' | 'version' | 'startedAt' | 'summary'>>();
    if (existsSync(this.runsDir)) {
      for (const name of await readdir(this.runsDir)) {
        if (!RUN_ID.test(name)) continue;
        try {
          const r = JSON.parse(await readFile(join(this.runsDir, name, 'results.json'), 'utf8')) as { sut: { vendor: string; product: string; version: string }; run: { startedAt: string }; summary: RunSummary };
          out.set(name, { id: name, state: 'finished', vendor: r.sut.vendor, product: r.sut.product, version: r.sut.version, startedAt: r.run.startedAt, summary: r.summary });
        } catch {
          // a directory still being written, or not a run: left out
        }
      }
    }
    for (const { view } of this.live.values()) if (!out.has(view.id) || view.state !== 'finished') out.set(view.id, view);
    return [...out.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** A written run's directory, or a 404 problem. */
  runDir(id: string): string {
    const dir = join(this.runsDir, id);
    if (!RUN_ID.test(id) || !existsSync(join(dir, 'manifest.json'))) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No finished run ${id}` });
    return dir;
  }

  async ensureDir(): Promise<void> {
    await mkdir(this.runsDir, { recursive: true });
  }

  /** Waits for runs in progress to end (tests), releasing nothing: interactive runs wait for their tester. */
  async settled(id: string): Promise<void> {
    await this.live.get(id)?.done;
  }
}

/**
 * The engine's driver or mock client, which throws once the run is stopped: each remaining test then
 * ends at once with the stop as its reason, instead of waiting out its timeouts. `keep` still works
 * (reading the session, deleting it at the end); `skip` resolves at once. Every other method is async.
 */
function stoppable<T extends object>(target: T, stopped: () => Error | undefined, keep: string[] = [], skip: string[] = []): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver) as unknown;
      if (typeof v !== 'function' || keep.includes(String(prop))) return v;
      return (...args: unknown[]) => {
        const stop = stopped();
        // Waiting for quiet is pointless once stopped; the test's evidence so far is still read (entriesAfter).
        if (stop && skip.includes(String(prop))) return Promise.resolve();
        if (stop) return Promise.reject(stop);
        return (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

function invalid(path: string, rule: string, message: string): ProblemError {
  return new ProblemError('ICS_ERR_VALIDATION', { detail: message, errors: [{ path, rule, requirement: 'CTL-001', message }] });
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `run-${t}-${randomBytes(3).toString('hex')}`;
}
