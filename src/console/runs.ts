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
}

export interface StartRequest {
  statement?: unknown;
  sutUrl?: unknown;
  interactive?: unknown;
}

/** Run ids are directory names under the runs directory: nothing else is ever read from it. */
export const RUN_ID = /^run-[0-9]{8}T[0-9]{6}-[a-f0-9]{6}$/;

interface Live {
  view: RunView;
  prompter: BrowserPrompter | undefined;
  done: Promise<void>;
}

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
    };
    const entry: Live = { view, prompter: undefined, done: Promise.resolve() };
    this.live.set(id, entry);
    entry.done = this.execute(entry, statement, interactive, sutUrl);
    return view;
  }

  private async execute(entry: Live, statement: Statement, interactive: boolean, sutUrl: string | undefined): Promise<void> {
    const { view } = entry;
    const publish = () => this.events.emit(view.id, view);
    const [{ runSuites }, { HttpDriver }, { InteractiveDriver }, { MockClient }, { ALL_SUITES }, { writeRunDirectory }, { makeReporters }] = await Promise.all([
      import('../engine/runner.js'),
      import('../engine/driver.js'),
      import('../engine/interactive.js'),
      import('../engine/mock-client.js'),
      import('../../suites/index.js'),
      import('../evidence/bundle.js'),
      import('../cli/options.js'),
    ]);
    const client = new MockClient(this.url, this.mock.controlToken);
    const prompter = interactive ? new BrowserPrompter(publish, () => client.session?.credentials.map((c) => c.token) ?? []) : undefined;
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
        driver: prompter ? new InteractiveDriver(prompter, statement) : new HttpDriver(sutUrl!),
        mock: client,
        mockPublicUrl: this.url,
        suites: this.suites ?? ALL_SUITES,
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

function invalid(path: string, rule: string, message: string): ProblemError {
  return new ProblemError('ICS_ERR_VALIDATION', { detail: message, errors: [{ path, rule, requirement: 'CTL-001', message }] });
}

function newRunId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `run-${t}-${randomBytes(3).toString('hex')}`;
}
