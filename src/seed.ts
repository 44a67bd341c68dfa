/** Loads synthetic datasets into a session by feeding them through the same domain code the API uses. */
import type { MockServices } from './mock.js';
import type { Client } from './core/sessions.js';
import { isoDate } from './core/clock.js';
import { involvementMessages } from '../fixtures/population.js';
import { hannahInvolvements, HANNAH_STORY_DATE } from '../fixtures/hannah.js';
import { cafEpisodes } from '../fixtures/ecaf.js';
import type { InvolvementMessage } from '../mocks/contactpoint/schemas.js';

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

export function seedSession(mock: MockServices, sessionId: string, dataset: DatasetName, opts: { count: number; seed: number }): SeedSummary {
  const session = mock.sessions.get(sessionId);
  if (!session) throw new Error(`no session ${sessionId}`);
  const clients = mock.sessions.info(sessionId)!.clients.filter((c) => c.permissions.includes('feed:write'));
  if (clients.length === 0) throw new Error(`session ${sessionId} has no client permitted feed:write to seed with`);
  const pick = (msg: InvolvementMessage): Client =>
    (EDUCATION_SERVICES.has(msg.involvement.service) ? clients.find((c) => c.id === 'education') : undefined) ?? clients.find((c) => c.id === 'ics') ?? clients[0]!;

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
  mock.store.tx(() => {
    const now = session.now().getTime();
    for (const generated of messages) {
      // A fixture dated later today than the session's clock would be refused (and would outrank the
      // system under test's updates): it is sent now instead.
      const msg = Date.parse(generated.sentAt) > now ? { ...generated, sentAt: new Date(now).toISOString() } : generated;
      const { receipt } = mock.directory.ingest(session, pick(msg), 'involvement', msg);
      n++;
      if (receipt.contactPointId) children.add(receipt.contactPointId);
      if (receipt.status === 'queued-for-review') reviews++;
    }
  });
  // Hannah's dataset is ContactPoint as Melanie found it on the story date, before her CAF existed:
  // fixtures/hannah-caf.ts holds the CAF for the test or demo that plays the story on.
  const episodes =
    dataset === 'population' ? mock.store.tx(() => mock.ecaf.seed(session, cafEpisodes({ count: opts.count, seed: opts.seed, referenceDate: isoDate(session.now()) }))) : 0;
  return { dataset, messages: n, children: children.size, reviews, episodes };
}
