/** Steps shared by the CAF suites: logging an episode in the SUT's local eCAF module. */
import { TestContext, sameContact } from '../src/harness/engine/context.js';
import { describeChild } from '../src/harness/engine/driver.js';
import { DRIVER_BASE } from '../src/harness/driver-api/schemas.js';
import { driverCall, type OperationId } from '../src/harness/driver-api/operations.js';
import type { ExchangeEpisode } from '../mocks/ecaf/schemas.js';
import type { PractitionerContact } from '../src/platform/schemas/common.js';
import { DriverError } from '../src/harness/engine/driver.js';

/** Calls a driver operation by its ID in the table (src/harness/driver-api/operations.ts); a 4xx or 5xx is a DriverError. */
export async function driverOk(t: TestContext, id: OperationId, params: Record<string, string>, body?: unknown): Promise<Record<string, unknown>> {
  const { method, path } = driverCall(id, params);
  const r = await t.driver.call(method, path, body);
  const shown = path.slice(DRIVER_BASE.length);
  if (r.status >= 400) throw new DriverError(`driver ${method} ${shown} answered ${r.status}: ${JSON.stringify(r.body)}`, r.status, r.body);
  return (r.body ?? {}) as Record<string, unknown>;
}

/** Registers the episode's child and logs the episode; returns the SUT's references. */
export async function logCaf(t: TestContext, episode: ExchangeEpisode): Promise<{ childRef: string; episodeRef: string; afterSeq: number }> {
  t.step(`Register the child: ${describeChild(episode.child)}`);
  const childRef = await t.driver.registerChild(episode.child);
  t.step(
    `Log the CAF episode ${episode.localRef} in the local eCAF module (assessed ${episode.assessment?.completedOn ?? 'not yet'}, TAC of ${episode.tac.length})`,
  );
  const afterSeq = t.mock.lastSeq();
  const { episodeRef } = await driverOk(t, 'logCafEpisode', {}, { childRef, episode });
  return { childRef, episodeRef: String(episodeRef), afterSeq };
}

export function assessorOf(ep: ExchangeEpisode): PractitionerContact {
  const id = ep.assessment?.assessedBy ?? ep.leadProfessional ?? ep.tac[0]!.practitionerId;
  return (ep.tac.find((m) => m.practitionerId === id) ?? ep.tac[0]!).contact;
}

export const contactIs = (sent: PractitionerContact, expected: PractitionerContact) =>
  sameContact(sent, expected) || (sent.kind === 'team' && sent.organisation === expected.organisation);

const WINDOW = 4;
const words = (text: string) =>
  text
    .normalize('NFC')
    .toLocaleLowerCase('en-GB')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

function shingles(texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts) {
    const w = words(t);
    for (let i = 0; i + WINDOW <= w.length; i++) out.add(w.slice(i, i + WINDOW).join(' '));
  }
  return out;
}

/**
 * The episode's content found in a message bound for ContactPoint: any run of four words of the
 * assessment, plan or reviews, in any field, in any case or spacing. Runs that the child's identity
 * or a practitioner's contact also hold are what an indicator may carry, so they are not content.
 */
export function cafContentIn(message: unknown, ep: ExchangeEpisode): string[] {
  const content = shingles(strings([ep.assessment, ep.deliveryPlan, ep.reviews]));
  for (const allowed of shingles(strings([ep.child, ep.tac.map((m) => m.contact)]))) content.delete(allowed);
  const leaked = new Set<string>();
  for (const text of strings(message)) {
    const w = words(text);
    for (let i = 0; i + WINDOW <= w.length; i++) {
      const run = w.slice(i, i + WINDOW).join(' ');
      if (content.has(run)) leaked.add(run);
    }
  }
  return [...leaked].slice(0, 5);
}

export const aboutChild = TestContext.aboutChild;
