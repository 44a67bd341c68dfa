/**
 * Preparers: the pure first part of a JSON operation (parse the untrusted text, validate it against
 * the schema, turn the valid body into what the handler takes) as one step that can run on a worker
 * thread. The server's main thread is the bottleneck under load while the second core sits half idle
 * (docs/decisions/0009), and this step is a fifth of a message's work there.
 *
 * The same function runs in both places: runPreparer, inline or in the worker. Whatever a preparer
 * returns crosses a thread by structured cloning, so it must be plain data.
 */
import { Worker } from 'node:worker_threads';
import { ProblemError, type Problem, type ProblemItem } from './problem.js';
import { parseUntrustedJson } from './safe-json.js';
import { assertValid } from './validate.js';
import type { TSchema } from './schema.js';
import type { FieldTable } from './rules.js';

export interface Preparer<B = never, P = unknown> {
  /** Its key in the worker's registry (src/mock-server/preparers.ts): the same preparer on both threads. */
  readonly name: string;
  readonly schema: TSchema;
  /** The requirement that a malformed body breaks (and an invalid one, without `fields`). */
  readonly requirement: string;
  /** The requirement of each schema failure, by the field it is at. */
  readonly fields?: FieldTable;
  /** From the validated body to the handler's input. Pure; plain data out. Throws ProblemError to refuse. */
  prepare(body: B): P;
  /**
   * The service's own rules that a body failing the schema breaks too, found on what could be read of
   * it (pure, may not throw for a malformed body): listed after the schema's errors in the same 422,
   * so a vendor sees every fault of a message at once (docs/decisions/0049).
   */
  alsoBroken?(body: unknown, schemaErrors: ReadonlyArray<ProblemItem>): ProblemItem[];
}

export type PrepareResult<P = unknown> =
  | { ok: true; value: P }
  /** `parsed`: the text was acceptable JSON (it failed the schema or the preparer), so the journal may show it parsed. */
  | { ok: false; problem: Problem; headers: Record<string, string>; parsed: boolean }
  /** Anything but a refusal: a bug, answered as an internal error. */
  | { ok: false; internal: string };

/** Parse, validate, prepare: the whole step, on whichever thread calls it. */
export function runPreparer<P>(p: Preparer<never, P>, text: string): PrepareResult<P> {
  let body: unknown;
  try {
    body = parseUntrustedJson(text, p.requirement);
  } catch (err) {
    return failure(err, false);
  }
  let valid: never;
  try {
    valid = assertValid<never>(p.schema, body, p.fields ?? p.requirement);
  } catch (err) {
    return failure(p.alsoBroken && err instanceof ProblemError ? withRuleErrors(err, p.alsoBroken(body, err.problem.errors ?? [])) : err, true);
  }
  try {
    return { ok: true, value: p.prepare(valid) };
  } catch (err) {
    return failure(err, true);
  }
}

/**
 * The schema's refusal with the rules' errors after its own: the code, status and first error (the
 * requirement a judge cites) stay the schema's, and the list is capped as every problem's is.
 */
function withRuleErrors(schema: ProblemError, rules: ProblemItem[]): ProblemError {
  if (rules.length === 0) return schema;
  const listed = schema.problem.errors ?? [];
  const omitted = Number(schema.problem.errorsOmitted ?? 0);
  const errors = [...listed, ...rules];
  const err = new ProblemError('ICS_ERR_VALIDATION', {
    detail: errors.map((e) => `${e.path || '/'}: ${e.message}`).join('; '),
    errors,
    headers: schema.headers,
  });
  if (omitted > 0) err.problem.errorsOmitted = Number(err.problem.errorsOmitted ?? 0) + omitted;
  return err;
}

function failure(err: unknown, parsed: boolean): PrepareResult<never> {
  if (err instanceof ProblemError) return { ok: false, problem: err.problem, headers: err.headers, parsed };
  return { ok: false, internal: err instanceof Error ? (err.stack ?? err.message) : String(err) };
}

/** Runs preparers for the pipeline: on a worker thread when one is running, else inline. */
export interface PrepareRunner {
  run<P>(p: Preparer<never, P>, texts: string[]): Promise<Array<PrepareResult<P>>>;
}

export const inlinePreparers: PrepareRunner = {
  run: (p, texts) => Promise.resolve(texts.map((t) => runPreparer(p, t))),
};

/**
 * Texts that go in one message at most. Below it, a message leaves at the end of the turn of the
 * event loop (single messages: one message for every request read in the turn). Small, so the worker
 * starts on the first requests of a turn while the main thread still reads the rest, and answers
 * come back in groups the main thread can commit and answer while the worker does the next. 16 was
 * the fastest of the sizes measured (docs/benchmarks.md); it pays only while commits are cheap (each
 * answer group is a commit: decision 0007). A bulk batch (250 lines) is one job and one message
 * whatever this is.
 */
const MAX_BATCH = 16;

type Pending = { p: Preparer<never, unknown>; texts: string[]; resolve: (r: Array<PrepareResult<unknown>>) => void };

/**
 * One worker thread running preparers. Every text asked for in one turn of the event loop goes in
 * one message (a message costs the main thread about as much as a few texts), answers come back in
 * order. Should the worker fail, what it held and everything after runs inline: a preparer is pure,
 * so running it again changes nothing, and nothing is acknowledged before it has run.
 */
export class PrepareWorker implements PrepareRunner {
  private worker: Worker | undefined;
  private queue: Pending[] = [];
  private queued = 0;
  private scheduled = false;
  private readonly inFlight = new Map<number, Pending[]>();
  private batches = 0;

  /** `entry`: the compiled worker module (src/mock-server/workers/prepare.ts); `preparers`: the same registry it loads. */
  constructor(
    entry: URL,
    private readonly preparers: Record<string, Preparer<never, unknown>>,
  ) {
    // It holds a few batches at a time: a capped old generation keeps its share of the process's
    // memory small (the bulk feed's memory target is for the whole process). The young generation is
    // not small: smaller, a 250-line batch's parsed objects were still alive at most scavenges and got
    // copied, and bulk ingest was slower for little memory saved (docs/benchmarks.md, Optimisations).
    // Should it run out, it fails over to inline.
    const worker = new Worker(entry, { resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 128 } });
    worker.on('message', (m: { id: number; results: Array<Array<PrepareResult<unknown>>> }) => {
      const batch = this.inFlight.get(m.id);
      if (!batch) return;
      this.inFlight.delete(m.id);
      // Waiting on the worker keeps the process alive; an idle worker must not.
      if (this.inFlight.size === 0) worker.unref();
      batch.forEach((job, i) => {
        this.done += job.texts.length;
        job.resolve(m.results[i]!);
      });
    });
    worker.on('error', (err) => this.fail(`failed (${err.message})`));
    worker.on('exit', (code) => this.fail(`exited (code ${code})`));
    worker.unref();
    this.worker = worker;
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Texts the worker has prepared (for stats and tests: proof that the work left the main thread). */
  get prepared(): number {
    return this.done;
  }
  private done = 0;

  run<P>(p: Preparer<never, P>, texts: string[]): Promise<Array<PrepareResult<P>>> {
    if (!this.worker || !(p.name in this.preparers)) return inlinePreparers.run(p, texts);
    return new Promise((resolve) => {
      this.queue.push({ p, texts, resolve: resolve as Pending['resolve'] });
      this.queued += texts.length;
      // Enough for a message now: a caller that keeps going in microtasks (a bulk upload whose bytes
      // are already buffered) would otherwise wait for its own batch to leave at the next turn.
      if (this.queued >= MAX_BATCH) {
        this.send();
        return;
      }
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.send());
      }
    });
  }

  private send(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.queued = 0;
    if (!this.worker) return this.inline(batch);
    const id = ++this.batches;
    if (this.inFlight.size === 0) this.worker.ref();
    this.inFlight.set(id, batch);
    this.worker.postMessage({ id, jobs: batch.map((j) => [j.p.name, j.texts]) });
  }

  private inline(batch: Pending[]): void {
    for (const job of batch) job.resolve(job.texts.map((t) => runPreparer(job.p, t)));
  }

  private fail(why: string): void {
    if (!this.worker) return;
    this.worker = undefined;
    console.error(`[ics-conformance] the prepare worker ${why}; preparing on the main thread instead`);
    const held = [...this.inFlight.values()].flat();
    this.inFlight.clear();
    this.inline(held);
  }

  close(): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    worker.removeAllListeners();
    // Whatever it still holds is answered inline, so no caller waits for a thread that is gone.
    this.inline([...this.inFlight.values()].flat());
    this.inFlight.clear();
    void worker.terminate();
  }
}
