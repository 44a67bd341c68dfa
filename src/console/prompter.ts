/**
 * The engine's Prompter for a browser: each instruction or question becomes a card that the page
 * shows (pushed over SSE) and answers with a POST. The engine's promise waits until the card is answered.
 */
import type { Prompter } from '../harness/engine/context.js';
import { ProblemError } from '../platform/problem.js';
import { SkipTest } from '../harness/engine/context.js';

export interface PromptMessage {
  seq: number;
  operationId: string;
  status: number;
  verdict: string;
  problems: Array<{ path: string; rule: string; requirement: string; message: string }>;
}

export interface PromptCard {
  id: number;
  kind: 'instruct' | 'ask';
  text: string;
  /** The test the card belongs to (the runner's current test). */
  test?: string;
  state: 'open' | 'done';
  /** For instructions: what the system sent since the card appeared (green on accepted, red on any refusal). */
  outcome: 'waiting' | 'received' | 'refused';
  messages: PromptMessage[];
  answer?: { answer: 'yes' | 'no'; note?: string; by: string };
  /** The tester skipped the card's test instead (the test ends SKIPPED, the run PARTIAL). */
  skipped?: { by: string };
  shownAt: string;
}

export interface Answer {
  answer?: unknown;
  note?: unknown;
  by?: unknown;
  /** true: skip the card's test rather than do or answer it. */
  skip?: unknown;
}

export class BrowserPrompter implements Prompter {
  readonly cards: PromptCard[] = [];
  /** Tests the tester skipped: the run's verdict says it is partial. */
  readonly skippedTests: string[] = [];
  private readonly waiting = new Map<number, { resolve: (a: PromptCard) => void; reject: (e: Error) => void }>();
  private n = 0;
  /** Which test is running, stamped on each new card. */
  currentTest: string | undefined;

  constructor(
    private readonly changed: () => void,
    /** Secrets (the session's tokens) to hide once an instruction that carried them is done. */
    private readonly secrets: () => string[] = () => [],
    /** Set once the run is stopped: new cards are not shown, the engine gets the error at once. */
    private readonly stopped: () => Error | undefined = () => undefined,
  ) {}

  instruct(text: string): Promise<void> {
    return this.open('instruct', text).then(() => undefined);
  }

  async ask(question: string): Promise<{ answer: 'yes' | 'no'; note?: string; by?: string }> {
    const card = await this.open('ask', question);
    const a = card.answer!;
    return { answer: a.answer, by: a.by, ...(a.note ? { note: a.note } : {}) };
  }

  private open(kind: PromptCard['kind'], text: string): Promise<PromptCard> {
    const stop = this.stopped();
    if (stop) return Promise.reject(stop);
    const card: PromptCard = {
      id: ++this.n,
      kind,
      text,
      state: 'open',
      outcome: 'waiting',
      messages: [],
      shownAt: new Date().toISOString(),
      ...(this.currentTest ? { test: this.currentTest } : {}),
    };
    this.cards.push(card);
    this.changed();
    return new Promise((resolve, reject) => this.waiting.set(card.id, { resolve, reject }));
  }

  /**
   * The tester's answer to card `id`. Bad input is refused (ProblemError, 422 or 404) and changes nothing.
   * An instruction takes `{}`; a question `{answer: "yes"|"no", note?, by}`.
   */
  respond(id: number, body: Answer): PromptCard {
    const card = this.cards.find((c) => c.id === id);
    if (!card) throw new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No prompt ${id} in this run` });
    if (card.state === 'done')
      throw new ProblemError('ICS_ERR_VALIDATION', {
        status: 409,
        detail: `Prompt ${id} is already answered`,
        errors: [{ path: '', rule: 'open-prompt', requirement: 'CTL-001', message: 'already answered' }],
      });
    if (body.skip !== undefined && body.skip !== true && body.skip !== false)
      throw new ProblemError('ICS_ERR_VALIDATION', {
        errors: [{ path: '/skip', rule: 'type', requirement: 'CTL-001', message: 'skip must be true or false' }],
      });
    if (body.skip === true) {
      if (!card.test)
        throw new ProblemError('ICS_ERR_VALIDATION', {
          errors: [
            {
              path: '/skip',
              rule: 'in-a-test',
              requirement: 'CTL-001',
              message: 'this step belongs to no test (it sets the run up): do it, or stop the run',
            },
          ],
        });
      if (body.by !== undefined && (typeof body.by !== 'string' || body.by.length > 100))
        throw new ProblemError('ICS_ERR_VALIDATION', {
          errors: [{ path: '/by', rule: 'maxLength', requirement: 'CTL-001', message: 'by: at most 100 characters' }],
        });
      const by = typeof body.by === 'string' && body.by.trim() ? body.by.trim() : 'the tester';
      card.state = 'done';
      card.skipped = { by };
      if (card.test) this.skippedTests.push(card.test);
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      this.changed();
      waiter?.reject(new SkipTest(`skipped in the console by ${by}`));
      return card;
    }
    if (card.kind === 'ask') {
      const errors = [];
      if (body.answer !== 'yes' && body.answer !== 'no')
        errors.push({ path: '/answer', rule: 'enum', requirement: 'CTL-001', message: 'answer must be "yes" or "no"' });
      if (body.note !== undefined && (typeof body.note !== 'string' || body.note.length > 1000))
        errors.push({ path: '/note', rule: 'maxLength', requirement: 'CTL-001', message: 'note must be text of at most 1000 characters' });
      if (typeof body.by !== 'string' || !body.by.trim() || body.by.length > 100)
        errors.push({
          path: '/by',
          rule: 'required',
          requirement: 'CTL-001',
          message: 'by: who answers (1-100 characters) is required for an attestation',
        });
      if (errors.length) throw new ProblemError('ICS_ERR_VALIDATION', { errors });
      const note = typeof body.note === 'string' ? body.note.trim() : '';
      card.answer = { answer: body.answer as 'yes' | 'no', by: (body.by as string).trim(), ...(note ? { note } : {}) };
    }
    card.state = 'done';
    // The configure step shows the session's tokens once; afterwards the card keeps them masked.
    for (const s of this.secrets()) if (s) card.text = card.text.split(s).join('***');
    const waiter = this.waiting.get(id);
    this.waiting.delete(id);
    this.changed();
    waiter?.resolve(card);
    return card;
  }

  /** A message from the system under test: the latest instruction's card turns green, or red on a refusal. */
  observe(m: PromptMessage): void {
    const card = [...this.cards].reverse().find((c) => c.kind === 'instruct');
    if (!card) return;
    card.messages.push(m);
    const refused = m.status >= 400 && m.status < 500 && m.verdict !== 'fault';
    if (refused) card.outcome = 'refused';
    else if (card.outcome === 'waiting' && m.status < 400) card.outcome = 'received';
    this.changed();
  }

  /** The run was stopped: every open card is closed unanswered and the engine told why. */
  release(): void {
    const stop = this.stopped() ?? new Error('the run was stopped');
    for (const [id, w] of this.waiting) {
      const card = this.cards.find((c) => c.id === id);
      if (card) card.state = 'done';
      w.reject(stop);
    }
    this.waiting.clear();
    this.changed();
  }
}
