/**
 * What a scenario sees while it runs: the driver (to make the SUT act), the mocks (to watch and to
 * inject faults), synthetic data, and `check` to record a verdict against a requirement with its
 * evidence. Every exchange in the test's window is collected as evidence automatically.
 */
import type { JournalEntry } from '../../platform/journal.js';
import type { ChildIdentity, PractitionerContact } from '../../platform/schemas/common.js';
import type { Driver } from './driver.js';
import type { MockClient } from './mock-client.js';
import type { Attestation, CheckResult, Exchange } from './types.js';
import { requirement } from '../model/catalogue.js';
import type { SyntheticData } from './synthetic.js';
import { PROFILES, aSystem, type SourceSystemProfile } from '../model/profiles.js';
import type { HardChildKind } from '../model/hard-children.js';

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

/** The tester asked to start the current test again from its first step (the runner runs it anew). */
export class RetryTest extends Error {}

/** A child's identity as a key: NHS number when held, else name (normal form C, any case) and date of birth. */
export function childKey(c: Partial<ChildIdentity> | undefined): string | undefined {
  if (!c || typeof c !== 'object') return undefined;
  const nhs = (c.identifiers as { nhsNumber?: unknown } | undefined)?.nhsNumber;
  if (typeof nhs === 'string' && nhs) return `nhs:${nhs.replace(/\s/g, '')}`;
  const n = c.name as { given?: unknown; family?: unknown } | undefined;
  if (typeof n?.given !== 'string' || typeof n.family !== 'string' || typeof c.dateOfBirth !== 'string') return undefined;
  const norm = (x: string) => x.normalize('NFC').toLocaleLowerCase('en-GB').trim();
  return `name:${norm(n.given)}|${norm(n.family)}|${c.dateOfBirth}`;
}

/** The children a message is about, wherever the interface puts them (involvement, CAF indicator, episode, batch). */
export function childrenOf(e: Pick<JournalEntry, 'requestBody'>): ChildIdentity[] {
  const b = e.requestBody as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object') return [];
  const found: unknown[] = [b.child, (b.episode as { child?: unknown } | undefined)?.child];
  if (Array.isArray(b.episodes)) for (const ep of b.episodes) found.push((ep as { child?: unknown } | undefined)?.child);
  return found.filter((c): c is ChildIdentity => typeof c === 'object' && c !== null);
}

export class TestContext {
  readonly checks: CheckResult[] = [];
  readonly attestations: Attestation[] = [];
  readonly steps: string[] = [];
  readonly harnessCalls: Array<Omit<Exchange, 'n'>> = [];
  readonly startSeq: number;
  /** Keys of the children this scenario brought into play: their traffic is its evidence, wherever it falls. */
  readonly owned = new Set<string>();
  /** The driver, watching which children the scenario registers or changes. */
  readonly driver: Driver;

  constructor(
    driver: Driver,
    readonly mock: MockClient,
    readonly data: SyntheticData,
    readonly timeouts: Timeouts,
    /** The client ID the SUT was configured with (its messages are judged). */
    readonly sutClient: string,
    private readonly prompter: Prompter | undefined,
    private readonly preAnswered: Map<string, Attestation>,
  ) {
    this.startSeq = mock.lastSeq();
    this.driver = new Proxy(driver, {
      get: (target, prop, receiver) => {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'registerChild') return (child: ChildIdentity) => (this.own(child), target.registerChild(child));
        if (prop === 'updateChild') return (ref: string, child: ChildIdentity) => (this.own(child), target.updateChild(ref, child));
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }

  /** Marks a child as this scenario's (done for every child registered through the driver). */
  own(child: ChildIdentity): void {
    const k = childKey(child);
    if (k) this.owned.add(k);
  }

  /** True for traffic about one of this scenario's children. */
  ownsEntry(e: Pick<JournalEntry, 'requestBody'>): boolean {
    return childrenOf(e).some((c) => this.owned.has(childKey(c) ?? ''));
  }

  /** Arms a fault for this child's messages only: it meets the system's first attempt about the child, whenever that comes. */
  faultFor(
    child: ChildIdentity,
    fault: Parameters<MockClient['addFault']>[0],
    pointer = '/child/identifiers/nhsNumber',
  ): ReturnType<MockClient['addFault']> {
    const nhs = child.identifiers.nhsNumber;
    if (!nhs) throw new Error('a fault aimed at a child needs a child with an NHS number');
    return this.mock.addFault({ ...fault, match: { [pointer]: nhs } });
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

  /** The system's declared retry budget (conformance statement `retry`). */
  retry: { maxAttempts?: number } = {};

  /** run --hard-children: the kind of child caseChild gives this re-run of a feed scenario, and the rest of its birth (twins, triplets) still to come. */
  hardKind?: HardChildKind;
  hardQueue: ChildIdentity[] = [];

  /** The profile of the statement's sourceSystemType (set by the runner): the services, identifiers and actions scenarios use. */
  profile: SourceSystemProfile = PROFILES.ics;

  /** Skips a scenario whose rule does not apply to this kind of system, saying why (the profile table decides, not the scenario). */
  onlyIf(applies: boolean, why: string): void {
    if (!applies) this.skip(`not applicable to ${aSystem(this.profile.type)}: ${why}`);
  }

  /** True for traffic about a child an earlier scenario brought into play (set by the runner): not this test's evidence. */
  foreign: (e: JournalEntry) => boolean = () => false;

  /** The SUT's messages in this test so far (a late message about an earlier scenario's child is not among them). */
  async sutEntries(): Promise<JournalEntry[]> {
    return (await this.mock.entriesAfter(this.startSeq)).filter((e) => this.isFromSut(e) && !this.foreign(e));
  }

  /**
   * Waits for the SUT to send a message that matches. Times out into a failed check on `req`
   * (the SUT did not do what the requirement says) and returns undefined.
   */
  async expectMessage(
    req: string,
    what: string,
    match: (e: JournalEntry) => boolean,
    opts: { timeoutMs?: number; afterSeq?: number } = {},
  ): Promise<JournalEntry | undefined> {
    const timeoutMs = opts.timeoutMs ?? this.timeouts.messageMs;
    const afterSeq = opts.afterSeq ?? this.startSeq;
    const e = await this.mock.waitFor((x) => this.isFromSut(x) && !this.foreign(x) && match(x), { afterSeq, timeoutMs });
    if (e) return e;
    // Root cause first: a message that came and was refused is not "nothing arrived".
    const refused = (await this.mock.entriesAfter(afterSeq)).filter(
      (x) => this.isFromSut(x) && x.status >= 400 && x.status < 500 && x.verdict !== 'fault' && !this.foreign(x),
    );
    if (refused.length) {
      const r = refused[0]!;
      const p = r.problems?.find((x) => requirement(x.requirement)?.appliesTo === 'sut') ?? r.problems?.[0];
      const cited = p && requirement(p.requirement)?.appliesTo === 'sut' ? p.requirement : req;
      this.check(
        cited,
        false,
        `no accepted ${what}: the system's ${r.method} ${r.operationId ?? r.path} was refused (${r.status})${p ? `: ${p.path || '/'} ${p.message}` : ''}`,
        {
          exchange: r.seq,
          cause: 'refusal',
          ...(p ? { path: p.path, expected: p.rule } : {}),
          actual: `refused ${r.status}`,
        },
      );
      if (cited !== req)
        this.check(req, false, `no accepted ${what}: the system's message was refused (see ${cited})`, {
          exchange: r.seq,
          expected: what,
          actual: `refused ${r.status}`,
        });
      return undefined;
    }
    this.check(req, false, `no ${what} arrived within ${timeoutMs} ms`, { expected: what, actual: 'nothing' });
    return undefined;
  }

  /**
   * For "the system must not send this": the first such message within the time the system has to
   * send anything (timeouts.messageMs), or undefined. Silence for a quiet period is not enough: a
   * system that batches its messages would send after it.
   */
  async sentWithin(match: (e: JournalEntry) => boolean, afterSeq = this.startSeq): Promise<JournalEntry | undefined> {
    return this.mock.waitFor((x) => this.isFromSut(x) && !this.foreign(x) && match(x), { afterSeq, timeoutMs: this.timeouts.messageMs });
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
  static aboutChild(child: ChildIdentity): (e: Pick<JournalEntry, 'requestBody'>) => boolean {
    const want = childKey(child);
    const byName = childKey({ ...child, identifiers: {} });
    return (e) =>
      childrenOf(e).some((c) => {
        const k = childKey(c);
        // A message that leaves out the NHS number is still about the child: found by name and date of birth.
        return k === want || (k !== undefined && childKey({ ...c, identifiers: {} }) === byName);
      });
  }
}

export function sameContact(a: PractitionerContact, b: PractitionerContact): boolean {
  if (a.kind !== b.kind || a.phone.replace(/\s/g, '') !== b.phone.replace(/\s/g, '') || a.organisation !== b.organisation) return false;
  if (a.kind === 'practitioner' && b.kind === 'practitioner') return a.name.given === b.name.given && a.name.family === b.name.family;
  if (a.kind === 'team' && b.kind === 'team') return a.teamName === b.teamName;
  return false;
}
