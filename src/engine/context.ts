/**
 * What a scenario sees while it runs: the driver (to make the SUT act), the mocks (to watch and to
 * inject faults), synthetic data, and `check` to record a verdict against a requirement with its
 * evidence. Every exchange in the test's window is collected as evidence automatically.
 */
import type { JournalEntry } from '../core/journal.js';
import type { ChildIdentity, PractitionerContact } from '../schemas/common.js';
import type { Driver } from './driver.js';
import type { MockClient } from './mock-client.js';
import type { Attestation, CheckResult, Exchange } from './types.js';
import { requirement } from './catalogue.js';
import type { SyntheticData } from './synthetic.js';

export interface Timeouts {
  /** How long to wait for a message the SUT must send. */
  messageMs: number;
  /** How long the SUT has to stop retrying before it counts as not giving up. */
  giveUpMs: number;
  /** Quiet period that counts as "nothing more was sent". */
  quietMs: number;
  /** How long the system waits for an answer before it abandons a request (the timeout scenario answers later than this). */
  sutRequestMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { messageMs: 5_000, giveUpMs: 8_000, quietMs: 300, sutRequestMs: 10_000 };

export interface Prompter {
  /** Shows an instruction; resolves when the tester says it is done. */
  instruct(text: string): Promise<void>;
  /** A yes/no question with an optional note. */
  ask(question: string): Promise<{ answer: 'yes' | 'no'; note?: string; by?: string }>;
}

export class SkipTest extends Error {}

export class TestContext {
  readonly checks: CheckResult[] = [];
  readonly attestations: Attestation[] = [];
  readonly steps: string[] = [];
  readonly harnessCalls: Array<Omit<Exchange, 'n'>> = [];
  readonly startSeq: number;

  constructor(
    readonly driver: Driver,
    readonly mock: MockClient,
    readonly data: SyntheticData,
    readonly timeouts: Timeouts,
    /** The client ID the SUT was configured with (its messages are judged). */
    readonly sutClient: string,
    private readonly prompter: Prompter | undefined,
    private readonly preAnswered: Map<string, Attestation>,
  ) {
    this.startSeq = mock.lastSeq();
  }

  step(text: string): void {
    this.steps.push(text);
  }

  /** Records a verdict. A failed SHOULD is a warning; a failed MUST or MAY check a failure. */
  check(req: string, ok: boolean, message: string, details: Omit<CheckResult, 'requirement' | 'verdict' | 'message'> = {}): boolean {
    const r = requirement(req);
    if (!r) throw new Error(`suite cites unknown requirement ${req}`);
    this.checks.push({ requirement: req, verdict: ok ? 'pass' : r.level === 'SHOULD' ? 'warn' : 'fail', message, ...details });
    return ok;
  }

  skip(reason: string): never {
    throw new SkipTest(reason);
  }

  /** True for a journal entry of something the SUT sent (by the client it was configured as). */
  isFromSut(e: JournalEntry): boolean {
    return e.clientId === this.sutClient;
  }

  /** The SUT's messages in this test so far. */
  async sutEntries(): Promise<JournalEntry[]> {
    return (await this.mock.entriesAfter(this.startSeq)).filter((e) => this.isFromSut(e));
  }

  /**
   * Waits for the SUT to send a message that matches. Times out into a failed check on `req`
   * (the SUT did not do what the requirement says) and returns undefined.
   */
  async expectMessage(req: string, what: string, match: (e: JournalEntry) => boolean, opts: { timeoutMs?: number; afterSeq?: number } = {}): Promise<JournalEntry | undefined> {
    const timeoutMs = opts.timeoutMs ?? this.timeouts.messageMs;
    const e = await this.mock.waitFor((x) => this.isFromSut(x) && match(x), { afterSeq: opts.afterSeq ?? this.startSeq, timeoutMs });
    if (!e) this.check(req, false, `no ${what} arrived within ${timeoutMs} ms`, { expected: what, actual: 'nothing' });
    return e;
  }

  /** Asks a human (or takes a pre-recorded answer) for requirements no machine can check. */
  async attest(req: string, question: string): Promise<void> {
    const pre = this.preAnswered.get(req);
    if (pre) {
      this.attestations.push({ ...pre, question });
      this.check(req, pre.answer === 'yes', `attested${pre.by ? ` by ${pre.by}` : ''}: ${pre.answer}${pre.note ? ` (${pre.note})` : ''}`);
      return;
    }
    if (!this.prompter) {
      this.attestations.push({ requirement: req, question, answer: 'pending' });
      return;
    }
    const a = await this.prompter.ask(question);
    this.attestations.push({ requirement: req, question, ...a });
    this.check(req, a.answer === 'yes', `attested${a.by ? ` by ${a.by}` : ''}: ${a.answer}${a.note ? ` (${a.note})` : ''}`);
  }

  /** Messages whose child is this child (by NHS number, else name and date of birth). */
  static aboutChild(child: ChildIdentity): (e: JournalEntry) => boolean {
    return (e) => {
      const c = (e.requestBody as { child?: ChildIdentity } | undefined)?.child;
      if (!c || typeof c !== 'object') return false;
      if (child.identifiers.nhsNumber && c.identifiers?.nhsNumber) return c.identifiers.nhsNumber === child.identifiers.nhsNumber;
      return c.name?.family === child.name.family && c.name?.given === child.name.given && c.dateOfBirth === child.dateOfBirth;
    };
  }
}

export function sameContact(a: PractitionerContact, b: PractitionerContact): boolean {
  if (a.kind !== b.kind || a.phone.replace(/\s/g, '') !== b.phone.replace(/\s/g, '') || a.organisation !== b.organisation) return false;
  if (a.kind === 'practitioner' && b.kind === 'practitioner') return a.name.given === b.name.given && a.name.family === b.name.family;
  if (a.kind === 'team' && b.kind === 'team') return a.teamName === b.teamName;
  return false;
}
