/** Steps shared by the CAF suites: logging an episode in the SUT's local eCAF module. */
import { TestContext, sameContact } from '../src/engine/context.js';
import { describeChild } from '../src/engine/driver.js';
import { DRIVER_BASE } from '../src/driver-api/schemas.js';
import type { ExchangeEpisode } from '../mocks/ecaf/schemas.js';
import type { PractitionerContact } from '../src/schemas/common.js';
import { DriverError } from '../src/engine/driver.js';

export async function driverOk(t: TestContext, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await t.driver.call(method, DRIVER_BASE + path, body);
  if (r.status >= 400) throw new DriverError(`driver ${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`, r.status, r.body);
  return (r.body ?? {}) as Record<string, unknown>;
}

/** Registers the episode's child and logs the episode; returns the SUT's references. */
export async function logCaf(t: TestContext, episode: ExchangeEpisode): Promise<{ childRef: string; episodeRef: string; afterSeq: number }> {
  t.step(`Register the child: ${describeChild(episode.child)}`);
  const childRef = await t.driver.registerChild(episode.child);
  t.step(`Log the CAF episode ${episode.localRef} in the local eCAF module (assessed ${episode.assessment?.completedOn ?? 'not yet'}, TAC of ${episode.tac.length})`);
  const afterSeq = t.mock.lastSeq();
  const { episodeRef } = await driverOk(t, 'POST', '/caf-episodes', { childRef, episode });
  return { childRef, episodeRef: String(episodeRef), afterSeq };
}

export function assessorOf(ep: ExchangeEpisode): PractitionerContact {
  const id = ep.assessment?.assessedBy ?? ep.leadProfessional ?? ep.tac[0]!.practitionerId;
  return (ep.tac.find((m) => m.practitionerId === id) ?? ep.tac[0]!).contact;
}

export const contactIs = (sent: PractitionerContact, expected: PractitionerContact) =>
  sameContact(sent, expected) || (sent.kind === 'team' && sent.organisation === expected.organisation);

/** Distinctive passages of the assessment: none may leave the eCAF module for ContactPoint. */
export function assessmentPassages(ep: ExchangeEpisode): string[] {
  const a = ep.assessment;
  if (!a) return [];
  const texts = [a.reasonForAssessment, ...a.elements.flatMap((e) => [e.strengths, e.needs])].filter((x): x is string => !!x);
  return texts.map((x) => x.slice(0, 40)).filter((x) => x.length >= 20);
}

export const aboutChild = TestContext.aboutChild;
