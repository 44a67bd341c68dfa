/**
 * Interactive mode for witnessed accreditation: instead of calling a driver API, the harness tells the
 * tester what to do in the ICS (with the synthetic child's details) and waits for the messages the
 * ICS must send, or for the tester's answer.
 */
import { createInterface } from 'node:readline';
import type { ChildIdentity } from '../../platform/schemas/common.js';
import type { Configuration, Delivery, RecordInvolvement, SystemInfo } from '../driver-api/schemas.js';
import type { JournalEntry } from '../../platform/journal.js';
import { RetryTest, SkipTest, type Prompter } from './context.js';
import { describeChild, describeContact, type Driver } from './driver.js';
import { HarnessError, interruptedBy } from './mock-client.js';
import type { Statement } from '../model/statement.js';
import type { Json } from './types.js';
import { terminalSafe } from '../../platform/terminal.js';

export interface TerminalPrompter extends Prompter {
  /** The test running (set from the runner's progress): skip and retry act on it; outside a test they are refused. */
  currentTest: string | undefined;
  /** Tests the tester skipped: the run's verdict then says it is partial. */
  readonly skipped: string[];
  /** A message the system under test sent: printed at once as received or refused. */
  observe(e: Pick<JournalEntry, 'clientId' | 'method' | 'path' | 'status' | 'verdict' | 'problems'>): void;
  close(): void;
}

export interface TerminalPrompterOptions {
  /** The run's interruption (Ctrl-C): a prompt waiting for the tester gives up at once. */
  signal?: AbortSignal;
  /** The tester pressed q (or the input ended): stop the run, the bundle is written INCOMPLETE. */
  quit?: (why: string) => void;
  /** The client the system under test is configured as: only its messages are shown. */
  sutClient?: string;
}

const KEYS = 'Enter: done · s: skip this test · r: retry this test from its first step · q: quit (the evidence so far is written) · ?: help';
const HELP = [
  '   Keys, typed at a prompt and then Enter:',
  '     Enter  done (an instruction); y / n answer a question',
  '     s      skip this test: it ends SKIPPED and the run goes on; the verdict says PARTIAL',
  '     r      retry this test: it starts again from its first step, with a new synthetic child',
  '     q      quit: the tests not run end ERROR, the bundle is written marked INCOMPLETE (resume it with --resume)',
  '     ?      this help',
  '   Ctrl-C does what q does, at any moment (twice: stop at once, no bundle).',
].join('\n');

/**
 * The witnessed run's prompts on a terminal, or on piped stdin (tests, a scripted tester): lines are
 * queued as they arrive, so input typed ahead of a prompt is not lost.
 */
export function terminalPrompter(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
  opts: TerminalPrompterOptions = {},
): TerminalPrompter {
  const rl = createInterface({ input, terminal: false });
  const queued: string[] = [];
  let waiter: ((line: string | null) => void) | undefined;
  let ended = false;
  rl.on('line', (l) => {
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(l);
    } else queued.push(l);
  });
  rl.on('close', () => {
    ended = true;
    waiter?.(null);
  });
  const say = (text: string) => output.write(text);
  const interrupted = () => (opts.signal?.aborted ? interruptedBy(opts.signal) : undefined);
  const read = (prompt: string): Promise<string> => {
    const stop = interrupted();
    if (stop) return Promise.reject(stop);
    say(prompt);
    return new Promise<string | null>((resolve) => {
      if (queued.length) return resolve(queued.shift()!);
      if (ended) return resolve(null);
      const onAbort = () => {
        waiter = undefined;
        resolve(null);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      waiter = (l) => {
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(l);
      };
    }).then((line) => {
      const stop = interrupted();
      if (stop) throw stop;
      if (line === null) return quit('the input ended');
      return line.trim();
    });
  };
  const quit = (why: string): never => {
    opts.quit?.(why);
    throw new HarnessError(`not run to the end: the run was interrupted (${why})`);
  };
  /** s, r, q, ?: the same at every prompt. Returns true when the key was one of them and the prompt should be asked again. */
  const common = (key: string): boolean => {
    const k = key.toLowerCase();
    if (k === '?' || k === 'h' || k === 'help') return (say(`${HELP}\n`), true);
    if (k === 'q' || k === 'quit') quit('the tester quit');
    if (k === 's' || k === 'skip' || k === 'r' || k === 'retry') {
      if (!p.currentTest) return (say('   This step sets the run up and belongs to no test: do it, or q to quit.\n'), true);
      if (k.startsWith('s')) {
        p.skipped.push(p.currentTest);
        throw new SkipTest('skipped at the terminal by the tester');
      }
      say(`   Starting ${p.currentTest} again from its first step.\n`);
      throw new RetryTest('the tester asked to retry the test');
    }
    return false;
  };
  const p: TerminalPrompter = {
    currentTest: undefined,
    skipped: [],
    async instruct(text) {
      say(`\n>> ${text}\n   (${KEYS})\n`);
      for (;;) {
        const key = await read('   Press Enter when done: ');
        if (key === '') return;
        if (!common(key)) say(`   "${terminalSafe(key, 20)}" is not a key here (? for help).\n`);
      }
    },
    async ask(question) {
      for (;;) {
        const a = (await read(`\n?? ${question} [y/n, ? for help] `)).toLowerCase();
        if (a === 'y' || a === 'yes' || a === 'n' || a === 'no') {
          const note = await read('   Note (optional): ');
          const by = await read('   Your name: ');
          return { answer: a.startsWith('y') ? 'yes' : 'no', ...(note ? { note } : {}), ...(by ? { by } : {}) };
        }
        if (a && !common(a)) say(`   "${terminalSafe(a, 20)}" is not an answer (y, n, or ? for help).\n`);
      }
    },
    observe(e) {
      if (e.clientId !== (opts.sutClient ?? 'ics')) return;
      // Paths and problem messages can quote what the system sent: terminal-safe.
      const what = `${e.method} ${terminalSafe(e.path, 200)}`;
      if (e.verdict === 'fault') say(`   <- ${what}: ${e.status}, a fault this test injected\n`);
      else if (e.status >= 400 && e.status < 500) {
        const why = (e.problems ?? [])
          .slice(0, 5)
          .map(
            (x) =>
              `${terminalSafe(x.path || '/', 80)} ${terminalSafe(x.message, 160)} (${terminalSafe(x.rule, 40)}, ${terminalSafe(x.requirement, 20)})`,
          );
        say(`   <- REFUSED ${what}: ${e.status}${why.length ? `\n        ${why.join('\n        ')}` : ''}\n`);
      } else if (e.status < 400) say(`   <- received ${what}: ${e.status} accepted\n`);
      else say(`   <- ${what}: ${e.status}\n`);
    },
    close() {
      rl.close();
    },
  };
  return p;
}

export class InteractiveDriver implements Driver {
  readonly mode = 'interactive' as const;
  private n = 0;
  /** What the ICS holds for each child, so an update can say what changes. */
  private readonly held = new Map<string, ChildIdentity>();

  constructor(
    private readonly prompter: Prompter,
    private readonly statement: Statement,
  ) {}

  async system(): Promise<SystemInfo> {
    return { vendor: this.statement.vendor, product: this.statement.product, version: this.statement.version };
  }
  async configure(cfg: Configuration): Promise<void> {
    await this.prompter.instruct(
      `Point the ICS at the mock national services for this session:\n   ` +
        `ContactPoint ${cfg.contactPoint.baseUrl}/contactpoint/v1  token ${cfg.contactPoint.token}\n   National ` +
        `eCAF ${cfg.ecaf.baseUrl}/ecaf/v1  token ${cfg.ecaf.token}`,
    );
  }
  async registerChild(child: ChildIdentity): Promise<string> {
    await this.prompter.instruct(`Register a new child in the ICS: ${describeChild(child)}`);
    const ref = `child-${++this.n}`;
    this.held.set(ref, child);
    return ref;
  }
  async updateChild(ref: string, child: ChildIdentity): Promise<void> {
    const before = this.held.get(ref);
    // The tester must be told the change itself: the full details alone hide a new former name or a new address.
    const changes = before ? describeChanges(before, child) : [];
    const what = changes.length ? changes.map((c) => `\n   - ${c}`).join('') : ` ${describeChild(child)}`;
    await this.prompter.instruct(
      `Update the child's details in the ICS${before ? ` (${child.name.given} ${child.name.family}, born ${child.dateOfBirth})` : ''}:${what}`,
    );
    this.held.set(ref, child);
  }
  async recordInvolvement(_childRef: string, inv: RecordInvolvement): Promise<string> {
    await this.prompter.instruct(
      `Record a ${inv.service} involvement starting ${inv.startDate}, worker ${describeContact(inv.worker)}` +
        `${inv.leadProfessional ? ', as lead professional' : ''}` +
        `${inv.sensitiveBasis ? `, basis: ${inv.sensitiveBasis}` : ''}` +
        `${inv.caseNote ? `, with the case note "${inv.caseNote}"` : ''}`,
    );
    return `involvement-${++this.n}`;
  }
  async endInvolvement(_ref: string, endDate: string): Promise<void> {
    await this.prompter.instruct(`End that involvement with end date ${endDate}`);
  }
  async setLeadProfessional(_ref: string, lead: boolean): Promise<void> {
    await this.prompter.instruct(lead ? "Record that worker as the child's lead professional" : 'Remove the lead professional flag from that worker');
  }
  async deliveries(): Promise<Delivery[]> {
    const a = await this.prompter.ask('Does the ICS show the last message as not delivered (failed or still queued), rather than lost or delivered?');
    return [{ messageId: '*', operation: '*', state: a.answer === 'yes' ? 'failed' : 'delivered', attempts: 0 }];
  }
  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    await this.prompter.instruct(`Perform in the ICS: ${method} ${path}${body ? ` with ${JSON.stringify(body)}` : ''}`);
    return { status: 200, body: {} };
  }
}

const fullName = (n: { given: string; family: string }) => `${n.given} ${n.family}`;

/** What differs between two versions of a child, as instructions ("add the former name ..."), in a stable order. */
export function describeChanges(before: ChildIdentity, after: ChildIdentity): string[] {
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(before.name, after.name)) out.push(`change the name from ${fullName(before.name)} to ${fullName(after.name)}`);
  const names = (l: ChildIdentity['formerNames']) => l.map(fullName);
  for (const n of names(after.formerNames)) if (!names(before.formerNames).includes(n)) out.push(`add the former name ${n}`);
  for (const n of names(before.formerNames)) if (!names(after.formerNames).includes(n)) out.push(`remove the former name ${n}`);
  if (before.dateOfBirth !== after.dateOfBirth) out.push(`change the date of birth from ${before.dateOfBirth} to ${after.dateOfBirth}`);
  if (before.gender !== after.gender) out.push(`change the gender from ${before.gender} to ${after.gender}`);
  if (!same(before.residence, after.residence)) {
    const r = after.residence;
    out.push(
      r.status === 'current' || r.status === 'last-known'
        ? `change the address to ${r.address.lines.join(', ')}, ${r.address.postcode} (${r.status})`
        : `record the residence as ${r.status}`,
    );
  }
  const ids = new Set([...Object.keys(before.identifiers), ...Object.keys(after.identifiers)]) as Set<keyof ChildIdentity['identifiers']>;
  for (const k of ids) {
    const [b, a] = [before.identifiers[k], after.identifiers[k]];
    if (b === a) continue;
    out.push(a === undefined ? `remove the ${k} ${b}` : b === undefined ? `add the ${k} ${a}` : `change the ${k} from ${b} to ${a}`);
  }
  if (!same(before.parentsCarers, after.parentsCarers))
    out.push(`update the parents and carers to: ${after.parentsCarers.map((p) => `${fullName(p.name)} (${p.relationship})`).join(', ') || 'none'}`);
  if (!same(before.school, after.school))
    out.push(
      after.school ? `record the school as ${after.school.name} (URN ${after.school.urn}) from ${after.school.startDate}` : 'remove the school',
    );
  return out;
}
