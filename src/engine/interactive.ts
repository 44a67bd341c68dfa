/**
 * Interactive mode for witnessed accreditation: instead of calling a driver API, the harness tells the
 * tester what to do in the ICS (with the synthetic child's details) and waits for the messages the
 * ICS must send, or for the tester's answer.
 */
import { createInterface } from 'node:readline/promises';
import type { ChildIdentity } from '../schemas/common.js';
import type { Configuration, Delivery, RecordInvolvement, SystemInfo } from '../driver-api/schemas.js';
import type { Prompter } from './context.js';
import { describeChild, describeContact, type Driver } from './driver.js';
import type { Statement } from './statement.js';
import type { Json } from './types.js';

export function terminalPrompter(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Prompter {
  const rl = createInterface({ input, output, terminal: false });
  return {
    async instruct(text) {
      await rl.question(`\n>> ${text}\n   Press Enter when done. `);
    },
    async ask(question) {
      for (;;) {
        const a = (await rl.question(`\n?? ${question} [y/n] `)).trim().toLowerCase();
        if (a === 'y' || a === 'yes' || a === 'n' || a === 'no') {
          const note = (await rl.question('   Note (optional): ')).trim();
          const by = (await rl.question('   Your name: ')).trim();
          return { answer: a.startsWith('y') ? 'yes' : 'no', ...(note ? { note } : {}), ...(by ? { by } : {}) };
        }
      }
    },
  };
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
      `Point the ICS at the mock national services for this session:\n   ContactPoint ${cfg.contactPoint.baseUrl}/contactpoint/v1  token ${cfg.contactPoint.token}\n   National eCAF ${cfg.ecaf.baseUrl}/ecaf/v1  token ${cfg.ecaf.token}`,
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
    await this.prompter.instruct(`Update the child's details in the ICS${before ? ` (${child.name.given} ${child.name.family}, born ${child.dateOfBirth})` : ''}:${what}`);
    this.held.set(ref, child);
  }
  async recordInvolvement(_childRef: string, inv: RecordInvolvement): Promise<string> {
    await this.prompter.instruct(
      `Record a ${inv.service} involvement starting ${inv.startDate}, worker ${describeContact(inv.worker)}${inv.leadProfessional ? ', as lead professional' : ''}${inv.sensitiveBasis ? `, basis: ${inv.sensitiveBasis}` : ''}${inv.caseNote ? `, with the case note "${inv.caseNote}"` : ''}`,
    );
    return `involvement-${++this.n}`;
  }
  async endInvolvement(_ref: string, endDate: string): Promise<void> {
    await this.prompter.instruct(`End that involvement with end date ${endDate}`);
  }
  async setLeadProfessional(_ref: string, lead: boolean): Promise<void> {
    await this.prompter.instruct(lead ? 'Record that worker as the child\'s lead professional' : 'Remove the lead professional flag from that worker');
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
    out.push(r.status === 'current' || r.status === 'last-known' ? `change the address to ${r.address.lines.join(', ')}, ${r.address.postcode} (${r.status})` : `record the residence as ${r.status}`);
  }
  const ids = new Set([...Object.keys(before.identifiers), ...Object.keys(after.identifiers)]) as Set<keyof ChildIdentity['identifiers']>;
  for (const k of ids) {
    const [b, a] = [before.identifiers[k], after.identifiers[k]];
    if (b === a) continue;
    out.push(a === undefined ? `remove the ${k} ${b}` : b === undefined ? `add the ${k} ${a}` : `change the ${k} from ${b} to ${a}`);
  }
  if (!same(before.parentsCarers, after.parentsCarers)) out.push(`update the parents and carers to: ${after.parentsCarers.map((p) => `${fullName(p.name)} (${p.relationship})`).join(', ') || 'none'}`);
  if (!same(before.school, after.school)) out.push(after.school ? `record the school as ${after.school.name} (URN ${after.school.urn}) from ${after.school.startDate}` : 'remove the school');
  return out;
}
