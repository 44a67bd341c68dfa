/** Steps several scenarios share. Each judges by the requirement, never by one system's habits. */
import type { JournalEntry } from '../src/platform/journal.js';
import { TestContext, sameContact } from '../src/harness/engine/context.js';
import { HarnessError } from '../src/harness/engine/mock-client.js';
import { aSystem } from '../src/harness/model/profiles.js';
import { HARD_CHILD_RULES, type HardChildKind } from '../src/harness/model/hard-children.js';
import { describeChild, describeContact } from '../src/harness/engine/driver.js';
import type { ChildIdentity, PractitionerContact } from '../src/platform/schemas/common.js';
import type { InvolvementMessage, ServiceType } from '../mocks/contactpoint/schemas.js';
import type { RecordInvolvement } from '../src/harness/driver-api/schemas.js';

export const isInvolvement = (e: JournalEntry) => e.operationId === 'submitInvolvement' && e.status < 300;
export const body = (e: JournalEntry) => e.requestBody as InvolvementMessage;

export interface Referral {
  child: ChildIdentity;
  childRef: string;
  involvementRef: string;
  recorded: RecordInvolvement;
  /** The first accepted message about it, if one came. */
  message?: JournalEntry;
}

/**
 * A child the statement's kind of system works with: within its caseload (and under 18, so it is one
 * ContactPoint holds), holding the identifiers that kind is expected to hold, and an NHS number, so
 * faults can be aimed at the child.
 */
export function caseChild(t: TestContext, opts: { minAge?: number; maxAge?: number } = {}): ChildIdentity {
  const { caseload, identifiers } = t.profile;
  const minAge = Math.max(caseload.minAge, opts.minAge ?? 0);
  const maxAge = Math.min(caseload.maxAge, 17, opts.maxAge ?? 17);
  if (t.hardKind) return hardCaseChild(t, t.hardKind, minAge, maxAge);
  return t.data.child({ minAge, maxAge, holding: identifiers });
}

/** run --hard-children: the scenario's child is of the kind (each sibling of a birth in turn), or the re-run does not apply. */
function hardCaseChild(t: TestContext, kind: HardChildKind, minAge: number, maxAge: number): ChildIdentity {
  const { ages } = HARD_CHILD_RULES[kind];
  if (ages.min > maxAge || ages.max < minAge)
    t.skip(`not applicable to the ${kind} kind (${HARD_CHILD_RULES[kind].what}): this scenario needs a child of ${minAge} to ${maxAge}`);
  if (!t.hardQueue.length) {
    const own = kind === 'no-identifier' || kind === 'only-uln' || kind === 'only-upn' || kind === 'born-today';
    t.hardQueue = t.data.hardChildren(kind, {
      only: t.profile.identifiers[0] ?? 'nhsNumber',
      minAge,
      maxAge,
      holding: own ? [] : t.profile.identifiers,
    });
  }
  return t.hardQueue.shift()!;
}

/** The service the statement's kind of system records in its everyday work. */
export function mainService(t: TestContext): ServiceType {
  const s = t.profile.mainService;
  if (!s)
    throw new HarnessError(
      `${aSystem(t.profile.type)} reports no involvements: this scenario needs the contactpoint-feed capability, which it cannot declare`,
    );
  return s;
}

/** Registers a child and records an involvement (by default the profile's everyday work), then waits for the SUT's first message about it. */
export async function referChild(
  t: TestContext,
  opts: {
    child?: ChildIdentity;
    service?: ServiceType;
    worker?: PractitionerContact;
    startDate?: string;
    leadProfessional?: boolean;
    caseNote?: string;
    sensitiveBasis?: 'consent' | 'significant-harm-suspected';
    expect?: boolean;
    requirement?: string;
  } = {},
): Promise<Referral> {
  const child = opts.child ?? caseChild(t);
  const service = opts.service ?? mainService(t);
  const recorded: RecordInvolvement = {
    service,
    worker: opts.worker ?? t.data.worker(service),
    startDate: opts.startDate ?? t.data.today,
    leadProfessional: opts.leadProfessional ?? false,
    ...(opts.sensitiveBasis ? { sensitiveBasis: opts.sensitiveBasis } : {}),
    ...(opts.caseNote ? { caseNote: opts.caseNote } : {}),
  };
  t.step(`Register the child: ${describeChild(child)}`);
  const childRef = await t.driver.registerChild(child);
  t.step(
    `Record a ${service} involvement from ${recorded.startDate} (${t.profile.work.starts}), ` +
      `worker ${describeContact(recorded.worker)}${opts.caseNote ? `, with the case note "${opts.caseNote}"` : ''}`,
  );
  const afterSeq = t.mock.lastSeq();
  const involvementRef = await t.driver.recordInvolvement(childRef, recorded);
  const ref: Referral = { child, childRef, involvementRef, recorded };
  if (opts.expect === false) return ref;
  const m = await t.expectMessage(
    opts.requirement ?? 'CP-FEED-009',
    `involvement message for ${child.name.given} ${child.name.family}`,
    (e) => isInvolvement(e) && TestContext.aboutChild(child)(e),
    { afterSeq },
  );
  if (m) ref.message = m;
  return ref;
}

/** The accepted involvement messages about a child so far (after the SUT has gone quiet). */
export async function messagesAbout(t: TestContext, child: ChildIdentity): Promise<JournalEntry[]> {
  await t.mock.settle(t.timeouts.quietMs, t.timeouts.messageMs);
  return (await t.sutEntries()).filter((e) => isInvolvement(e) && TestContext.aboutChild(child)(e));
}

/** A contact is right when it is the named worker, or a central team of the worker's organisation. */
export function contactMatches(sent: PractitionerContact, worker: PractitionerContact): boolean {
  if (sameContact(sent, worker)) return true;
  return sent.kind === 'team' && sent.organisation === worker.organisation;
}

export function waitForUpdate(
  t: TestContext,
  sourceRecordId: string,
  what: string,
  pred: (m: InvolvementMessage) => boolean,
  req: string,
  afterSeq: number,
) {
  return t.expectMessage(req, what, (e) => isInvolvement(e) && body(e).sourceRecordId === sourceRecordId && pred(body(e)), { afterSeq });
}
