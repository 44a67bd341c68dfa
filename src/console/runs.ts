/**
 * Runs started from the console: a conformance statement (validated as the CLI validates it), the
 * engine's runSuites over HTTP against this same server (decision 0005), progress and prompt cards
 * published to the page, and the evidence bundle written to the console's runs directory.
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseStatement, type Statement } from '../harness/model/statement.js';
import { ConfigError } from '../harness/model/config-error.js';
import { ProblemError } from '../platform/problem.js';
import type { JournalEntry } from '../platform/journal.js';
import type { MockServices } from '../mock-server/mock.js';
import type { RunSummary } from '../harness/model/result.js';
import { HarnessError } from '../harness/engine/mock-client.js';
import type { Status, Suite, TestResult } from '../harness/engine/types.js';
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
  /** interrupted: the server stopped mid-run; the tests that had ended are kept, and the run can be resumed. */
  state: 'starting' | 'running' | 'finished' | 'failed' | 'interrupted';
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
  request: RunRequest;
  stop?: HarnessError;
  /** Aborted with the stop: calls the engine is waiting in (a long poll for a message) give up at once. */
  abort: AbortController;
  /** The server is closing: the run ends without a bundle, its state kept for a resume. */
  interrupted?: boolean;
}

interface RunRequest {
  statement: string;
  sutUrl?: string;
  interactive: boolean;
  only?: string;
}

/** What survives a restart: how the run was started and every test that had ended (masked). */
interface SavedRun {
  id: string;
  startedAt: string;
  request: RunRequest;
  completed: TestResult[];
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
  async start(req: StartRequest, resume?: SavedRun): Promise<RunView> {
    if (typeof req.statement !== 'string' || !req.statement.trim())
      throw invalid('/statement', 'required', 'paste or upload a conformance statement (YAML or JSON; `ics-conformance init` writes one)');
    let statement: Statement;
    const [{ selectTests }, { ALL_SUITES }] = await Promise.all([import('../harness/engine/runner.js'), import('../../suites/index.js')]);
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
      if (!sutUrl)
        throw invalid(
          '/sutUrl',
          'required',
          'no system under test: give the driver API URL (or sut.driverUrl in the statement), or choose a witnessed (interactive) run',
        );
      if (!/^https?:\/\/[^\s/]+/.test(sutUrl)) throw invalid('/sutUrl', 'format:uri', `"${sutUrl}" is not an http(s) URL`);
    }
    if (!this.url) throw new ProblemError('ICS_ERR_INTERNAL', { detail: 'the server is not listening yet' });
    const id = resume?.id ?? newRunId();
    const view: RunView = {
      id,
      state: 'starting',
      mode: interactive ? 'interactive' : 'automated',
      vendor: statement.vendor,
      product: statement.product,
      version: statement.version,
      startedAt: resume?.startedAt ?? new Date().toISOString(),
      total: 0,
      tests: (resume?.completed ?? []).map(row),
      cards: [],
      ...(only ? { only } : {}),
    };
    const request: RunRequest = { statement: req.statement, interactive, ...(sutUrl ? { sutUrl } : {}), ...(only ? { only } : {}) };
    const entry: Live = { view, prompter: undefined, done: Promise.resolve(), request, abort: new AbortController() };
    this.live.set(id, entry);
    entry.done = this.execute(entry, statement, interactive, sutUrl, suites, resume?.completed ?? [], this.suites ?? ALL_SUITES);
    return view;
  }

  /** Resumes an interrupted run: the tests that had ended are kept, the rest run now (in a fresh mock session). */
  async resume(runId: string): Promise<RunView> {
    if (this.live.get(runId)?.view.state !== undefined && this.live.get(runId)?.view.state !== 'interrupted')
      throw new ProblemError('ICS_ERR_VALIDATION', {
        status: 409,
        detail: `Run ${runId} is not interrupted`,
        errors: [{ path: '', rule: 'interrupted', requirement: 'CTL-001', message: 'only an interrupted run can be resumed' }],
      });
    const saved = await this.saved(runId);
    if (!saved) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No interrupted run ${runId}` });
    return this.start(
      {
        statement: saved.request.statement,
        sutUrl: saved.request.sutUrl,
        interactive: saved.request.interactive,
        ...(saved.request.only ? { only: saved.request.only } : {}),
      },
      saved,
    );
  }

  private stateFile(id: string): string {
    return join(this.runsDir, '.state', `${id}.json`);
  }

  private async saved(id: string): Promise<SavedRun | undefined> {
    if (!RUN_ID.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(this.stateFile(id), 'utf8')) as SavedRun;
    } catch {
      return undefined;
    }
  }

  /** Written after every test, whole and then renamed, so a crash leaves the last good state. */
  private async save(s: SavedRun): Promise<void> {
    await mkdir(join(this.runsDir, '.state'), { recursive: true });
    const file = this.stateFile(s.id);
    await writeFile(`${file}.tmp`, JSON.stringify(s));
    await rename(`${file}.tmp`, file);
  }

  /** The server is closing: runs in progress end without a bundle; their saved state lets them resume. */
  async close(): Promise<void> {
    const pending: Array<Promise<void>> = [];
    for (const entry of this.live.values()) {
      if (entry.view.state !== 'running' && entry.view.state !== 'starting') continue;
      entry.interrupted = true;
      entry.stop = new StoppedError('not run: the server stopped');
      entry.abort.abort(entry.stop);
      entry.prompter?.release();
      pending.push(entry.done);
    }
    // Each ended test is already saved; a call still unwinding is not waited for beyond a moment.
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 2_000).unref())]);
  }

  private async execute(
    entry: Live,
    statement: Statement,
    interactive: boolean,
    sutUrl: string | undefined,
    allSuites: Suite[],
    done: TestResult[],
    catalogue: Suite[],
  ): Promise<void> {
    const { view } = entry;
    const publish = () => this.events.emit(view.id, view);
    const ended = new Set(done.map((t) => t.id));
    // A resumed run runs only what had not ended; what had is merged back before the bundle is written.
    const suites = ended.size
      ? allSuites.map((s) => ({ ...s, tests: s.tests.filter((t) => !ended.has(t.id)) })).filter((s) => s.tests.length > 0)
      : allSuites;
    const completed = [...done];
    let saving = Promise.resolve();
    const [
      { runSuites, summarise, traceability, applyWaivers },
      { maskSecrets },
      { HttpDriver },
      { InteractiveDriver },
      { MockClient },
      { writeRunDirectory },
      { makeReporters },
    ] = await Promise.all([
      import('../harness/engine/runner.js'),
      import('../harness/model/mask.js'),
      import('../harness/engine/driver.js'),
      import('../harness/engine/interactive.js'),
      import('../harness/engine/mock-client.js'),
      import('../harness/evidence/bundle.js'),
      import('../harness/reporters/index.js'),
    ]);
    const client = new MockClient(this.url, this.mock.controlToken, this.publicUrl ?? this.url);
    const prompter = interactive
      ? new BrowserPrompter(
          publish,
          () => client.session?.credentials.map((c) => c.token) ?? [],
          () => entry.stop,
        )
      : undefined;
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
        prompter.observe({
          seq: e.seq,
          operationId: e.operationId,
          status: e.status,
          verdict: e.verdict,
          problems: (e.problems ?? []).map(({ path, rule, requirement, message }) => ({ path, rule, requirement, message })),
        });
    });
    view.state = 'running';
    publish();
    try {
      const result = await runSuites({
        statement,
        driver: stoppable(prompter ? new InteractiveDriver(prompter, statement) : new HttpDriver(sutUrl!), entry.abort.signal, ['circuitOpen']),
        mock: stoppable(client, entry.abort.signal, ['token', 'lastSeq', 'deleteSession', 'entriesAfter'], ['settle']),
        mockPublicUrl: this.publicUrl ?? this.url,
        suites,
        // The statement's deselect names tests of the whole catalogue, outside a re-run's one test too.
        catalogue,
        ...(prompter ? { prompter, timeouts: INTERACTIVE_TIMEOUTS } : {}),
        onProgress: (e) => {
          if (e.type === 'start') view.total = e.total + done.length;
          else if (e.type === 'test-start') {
            if (!view.sessionId && client.session) view.sessionId = client.session.id;
            if (prompter) prompter.currentTest = e.test.id;
            view.tests.push({ id: e.test.id, suite: e.suite.id, title: e.test.title, status: 'RUNNING' });
          } else {
            const row = view.tests.find((t) => t.id === e.result.id);
            if (row)
              Object.assign(row, {
                status: e.result.status,
                durationMs: e.result.durationMs,
                ...(e.result.reason ? { reason: e.result.reason } : {}),
              });
            // Saved masked, as the bundle would hold it: the state file is evidence-grade too. A test ended by the stop is not "ended".
            if (!entry.stop) {
              completed.push(maskSecrets(e.result, client.session?.credentials.map((c) => c.token) ?? []));
              const state: SavedRun = { id: view.id, startedAt: view.startedAt, request: entry.request, completed: [...completed] };
              saving = saving.then(() => this.save(state)).catch(() => undefined);
            }
          }
          publish();
        },
      });
      await saving;
      if (entry.interrupted) {
        view.state = 'interrupted';
        return;
      }
      if (done.length) {
        // Merge the tests that ended before the restart back in, in run order, and judge the whole.
        const order = allSuites.flatMap((s) => s.tests.map((t) => t.id));
        result.tests = [...done, ...result.tests].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
        result.summary = summarise(result.tests);
        result.requirements = traceability(result.tests, allSuites);
        result.waivers = applyWaivers(result.tests, statement, new Date().toISOString().slice(0, 10));
        result.run.startedAt = view.startedAt;
        result.run.durationMs = Date.parse(result.run.finishedAt) - Date.parse(view.startedAt);
      }
      const skipped = prompter?.skippedTests ?? [];
      const partial = !!view.only || skipped.length > 0;
      if (entry.stop || partial) {
        // A stopped or one-test run is evidence of what ran, never an accreditation verdict.
        const s = summarise(result.tests);
        const ran = result.tests.filter((t) => !(entry.stop && t.reason?.includes(entry.stop.message))).length;
        const judged = entry.stop ? summarise(result.tests.slice(0, ran)) : s;
        const label = entry.stop
          ? `INCOMPLETE: stopped by ${view.stopped!.by} ${ran ? `after ${ran} of ${result.tests.length} tests (${judged.label} so far)` : `before any of ${result.tests.length} tests ended`}`
          : view.only
            ? `PARTIAL (${result.tests.length} test${result.tests.length === 1 ? '' : 's'}: ${view.only}): ${s.label}`
            : `PARTIAL (skipped in the console: ${skipped.join(', ')}): ${s.label}`;
        const verdict = entry.stop || s.verdict === 'pass' ? 'incomplete' : s.verdict;
        result.summary = { ...s, verdict, label, exitCode: ({ error: 3, fail: 1, incomplete: 2, pass: 0 } as const)[verdict] };
      }
      await writeRunDirectory(result, await makeReporters(['json', 'junit', 'markdown', 'html']), join(this.runsDir, view.id));
      await rm(this.stateFile(view.id), { force: true });
      const s = result.summary;
      view.summary = {
        verdict: s.verdict,
        label: s.label,
        exitCode: s.exitCode,
        total: s.total,
        PASSED: s.PASSED,
        FAILED: s.FAILED,
        WARNING: s.WARNING,
        SKIPPED: s.SKIPPED,
        ERROR: s.ERROR,
        REVIEW: s.REVIEW,
      };
      view.state = 'finished';
    } catch (err) {
      view.state = entry.interrupted ? 'interrupted' : 'failed';
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
    if (by !== undefined && (typeof by !== 'string' || by.length > 100))
      throw invalid('/by', 'maxLength', 'by: who stops the run, at most 100 characters');
    if (entry.view.state === 'finished' || entry.view.state === 'failed' || entry.stop)
      throw new ProblemError('ICS_ERR_VALIDATION', {
        status: 409,
        detail: `Run ${runId} is not running`,
        errors: [{ path: '', rule: 'running', requirement: 'CTL-001', message: 'the run has already ended or is stopping' }],
      });
    const who = typeof by === 'string' && by.trim() ? by.trim() : 'the console';
    entry.view.stopped = { by: who, at: new Date().toISOString() };
    entry.stop = new StoppedError(`not run: the run was stopped by ${who}`);
    entry.abort.abort(entry.stop);
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
      request = {
        statement: await readFile(join(dir, 'statement.json'), 'utf8'),
        interactive: r.run.mode === 'interactive',
        ...(r.sut.driverUrl ? { sutUrl: r.sut.driverUrl } : {}),
      };
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
          const r = JSON.parse(await readFile(join(this.runsDir, name, 'results.json'), 'utf8')) as {
            sut: { vendor: string; product: string; version: string };
            run: { startedAt: string };
            summary: RunSummary;
          };
          out.set(name, {
            id: name,
            state: 'finished',
            vendor: r.sut.vendor,
            product: r.sut.product,
            version: r.sut.version,
            startedAt: r.run.startedAt,
            summary: r.summary,
          });
        } catch {
          // a directory still being written, or not a run: left out
        }
      }
    }
    if (existsSync(join(this.runsDir, '.state'))) {
      for (const name of await readdir(join(this.runsDir, '.state'))) {
        const id = name.replace(/\.json$/, '');
        if (out.has(id) || this.live.get(id)?.view.state === 'running') continue;
        const saved = await this.saved(id);
        if (!saved) continue;
        const st = (() => {
          try {
            return parseStatement(saved.request.statement, 'statement');
          } catch {
            return undefined;
          }
        })();
        if (st) out.set(id, { id, state: 'interrupted', vendor: st.vendor, product: st.product, version: st.version, startedAt: saved.startedAt });
      }
    }
    for (const { view } of this.live.values())
      if (!out.has(view.id) || (view.state !== 'finished' && view.state !== 'interrupted')) out.set(view.id, view);
    return [...out.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** A written run's directory, or a 404 problem. */
  runDir(id: string): string {
    const dir = join(this.runsDir, id);
    if (!RUN_ID.test(id) || !existsSync(join(dir, 'manifest.json')))
      throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No finished run ${id}` });
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
function stoppable<T extends object>(target: T, signal: AbortSignal, keep: string[] = [], skip: string[] = []): T {
  const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }));
  aborted.catch(() => undefined);
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver) as unknown;
      if (typeof v !== 'function' || keep.includes(String(prop))) return v;
      return (...args: unknown[]) => {
        // Waiting for quiet is pointless once stopped; the test's evidence so far is still read (entriesAfter).
        if (signal.aborted && skip.includes(String(prop))) return Promise.resolve();
        if (signal.aborted) return Promise.reject(signal.reason as Error);
        // A call in flight (a five-minute wait for a message) loses the race to the stop.
        return Promise.race([(v as (...a: unknown[]) => unknown).apply(t, args), aborted]);
      };
    },
  });
}

function row(t: TestResult): TestRow {
  return { id: t.id, suite: t.suite, title: t.title, status: t.status, durationMs: t.durationMs, ...(t.reason ? { reason: t.reason } : {}) };
}

function invalid(path: string, rule: string, message: string): ProblemError {
  return new ProblemError('ICS_ERR_VALIDATION', { detail: message, errors: [{ path, rule, requirement: 'CTL-001', message }] });
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `run-${t}-${randomBytes(3).toString('hex')}`;
}
