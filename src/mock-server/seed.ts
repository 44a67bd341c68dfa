/** Loads synthetic datasets into a session by feeding them through the same domain code the API uses. */
import type { MockServices } from './mock.js';
import type { Client } from '../platform/sessions.js';
import { isoDate } from '../platform/clock.js';
import { involvementMessages } from '../../fixtures/population.js';
import { hannahInvolvements, HANNAH_STORY_DATE } from '../../fixtures/hannah.js';
import { cafEpisodes } from '../../fixtures/ecaf.js';
import type { InvolvementMessage } from '../../mocks/contactpoint/schemas.js';

export type DatasetName = 'empty' | 'hannah' | 'population';

export interface SeedSummary {
  dataset: DatasetName;
  messages: number;
  children: number;
  reviews: number;
  /** CAF episodes loaded into National eCAF (each also sets its child's CAF indicator in ContactPoint). */
  episodes: number;
}

const EDUCATION_SERVICES = new Set(['education', 'learning-mentor', 'education-welfare']);

/** How long one step of a seed holds the thread before the server's other work gets a turn. */
const STEP_MS = 20;

/**
 * Loads a dataset synchronously (in-process callers, the demo session at start-up).
 * @example
 * seedSession(mock, 'default', 'population', { count: 200, seed: 1 });
 */
export function seedSession(mock: MockServices, sessionId: string, dataset: DatasetName, opts: { count: number; seed: number }): SeedSummary {
  const steps = seedSteps(mock, sessionId, dataset, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Loads a dataset in steps of about STEP_MS, yielding the event loop between them: the control API
 * uses this, so seeding 100,000 children in one session does not stall every other session.
 */
export async function seedSessionAsync(
  mock: MockServices,
  sessionId: string,
  dataset: DatasetName,
  opts: { count: number; seed: number },
): Promise<SeedSummary> {
  const steps = seedSteps(mock, sessionId, dataset, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The seed as steps, each its own transaction; it yields between them. A session deleted meanwhile ends it. */
function* seedSteps(
  mock: MockServices,
  sessionId: string,
  dataset: DatasetName,
  opts: { count: number; seed: number },
): Generator<void, SeedSummary> {
  const session = mock.sessions.get(sessionId);
  if (!session) throw new Error(`no session ${sessionId}`);
  const clients = mock.sessions.info(sessionId)!.clients.filter((c) => c.permissions.includes('feed:write'));
  if (clients.length === 0) throw new Error(`session ${sessionId} has no client permitted feed:write to seed with`);
  const pick = (msg: InvolvementMessage): Client =>
    (EDUCATION_SERVICES.has(msg.involvement.service) ? clients.find((c) => c.id === 'education') : undefined) ??
    clients.find((c) => c.id === 'ics') ??
    clients[0]!;

  let messages: Iterable<InvolvementMessage>;
  if (dataset === 'hannah') {
    // The story is set in November 2009: the session's clock moves there so the ended involvement is still within its year.
    mock.sessions.setClock(sessionId, { offsetMs: Date.parse(`${HANNAH_STORY_DATE}T09:00:00Z`) - Date.now(), frozenAt: null });
    // What ContactPoint held when Melanie looked Hannah up: the messages sent before that day.
    messages = Object.values(hannahInvolvements).filter((m) => m.sentAt < `${HANNAH_STORY_DATE}T09:00:00Z`);
  } else if (dataset === 'population') {
    messages = involvementMessages({ count: opts.count, seed: opts.seed, referenceDate: isoDate(session.now()) });
  } else {
    messages = [];
  }
  let n = 0;
  let reviews = 0;
  const children = new Set<string>();
  const now = session.now().getTime();
  const it = messages[Symbol.iterator]();
  for (let done = false; !done;) {
    mock.store.tx(() => {
      const until = performance.now() + STEP_MS;
      while (performance.now() < until) {
        const r = it.next();
        if (r.done) {
          done = true;
          return;
        }
        // A fixture dated later today than the session's clock would be refused (and would outrank the
        // system under test's updates): it is sent now instead.
        const msg = Date.parse(r.value.sentAt) > now ? { ...r.value, sentAt: new Date(now).toISOString() } : r.value;
        const { receipt } = mock.directory.ingest(session, pick(msg), 'involvement', msg);
        n++;
        if (receipt.contactPointId) children.add(receipt.contactPointId);
        if (receipt.status === 'queued-for-review') reviews++;
      }
    });
    if (!done) {
      yield;
      if (!mock.sessions.has(sessionId)) throw new Error(`session ${sessionId} was deleted while it was being seeded`);
    }
  }
  // Hannah's dataset is ContactPoint as Melanie found it on the story date, before her CAF existed:
  // fixtures/hannah-caf.ts holds the CAF for the test or demo that plays the story on.
  let episodes = 0;
  if (dataset === 'population') {
    const eps = cafEpisodes({ count: opts.count, seed: opts.seed, referenceDate: isoDate(session.now()) })[Symbol.iterator]();
    for (let done = false; !done;) {
      mock.store.tx(() => {
        const until = performance.now() + STEP_MS;
        while (performance.now() < until) {
          const r = eps.next();
          if (r.done) {
            done = true;
            return;
          }
          episodes += mock.ecaf.seed(session, [r.value]);
        }
      });
      if (!done) {
        yield;
        if (!mock.sessions.has(sessionId)) throw new Error(`session ${sessionId} was deleted while it was being seeded`);
      }
    }
  }
  return { dataset, messages: n, children: children.size, reviews, episodes };
}
