import { compareByMeaning, describeDifferences } from '../../src/harness/engine/compare.js';
import { randomUUID } from 'node:crypto';
import type { TestDef } from '../../src/harness/engine/types.js';
import type { TestContext } from '../../src/harness/engine/context.js';
import { driverCall } from '../../src/harness/driver-api/operations.js';
import { HttpDriver } from '../../src/harness/engine/driver.js';
import type { ExchangeEpisode } from '../../mocks/ecaf/schemas.js';
import { driverOk } from '../ecaf-support.js';

/** A real export from the National eCAF mock: another authority transfers the episode in, then exports it. */
async function nationalExport(t: TestContext, episode: ExchangeEpisode): Promise<Record<string, unknown>> {
  const transfer = await t.mock.national('POST', '/ecaf/v1/exchange/transfers', 'ics-neighbour', { messageId: randomUUID(), episode });
  if (transfer.status >= 300) throw new Error(`could not place the episode on National eCAF: ${transfer.status} ${JSON.stringify(transfer.body)}`);
  const exp = await t.mock.national('POST', '/ecaf/v1/exchange/exports', 'ics-neighbour', {
    episodeId: transfer.body.episodeId,
    destination: { localAuthority: '302', system: 'system under test' },
  });
  if (exp.status !== 200) throw new Error(`National eCAF export failed: ${exp.status} ${JSON.stringify(exp.body)}`);
  return exp.body as Record<string, unknown>;
}

/**
 * The SUT is the receiver here: the harness calls it and judges its answers. Through the driver (not
 * pactum), so the call is bounded and validated like every other, prints nothing, and is in the evidence.
 */
async function send(t: TestContext, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  if (!(t.driver instanceof HttpDriver)) return t.skip('receiving a transfer needs the driver API (not available in interactive mode)');
  const call = driverCall('receiveCafTransfer');
  const res = await t.driver.call(call.method, call.path, body);
  const payload = res.body && typeof res.body === 'object' ? (res.body as Record<string, unknown>) : {};
  return { status: res.status, body: payload };
}

export const receiveTransfer: TestDef = {
  id: 'ECAF-IN-001.receive-transfer',
  title: 'An episode exported by National eCAF is received faithfully, and once only',
  requirements: ['ECAF-IN-001', 'ECAF-IN-003'],
  async run(t) {
    const episode = t.data.cafCase();
    t.step(
      `The child (${episode.child.name.given} ${episode.child.name.family}) moves to your authority: National eCAF exports the episode to your local eCAF module`,
    );
    t.own(episode.child);
    const exported = await nationalExport(t, episode);
    const first = await send(t, exported);
    t.check('ECAF-IN-001', first.status === 201 || first.status === 200, `the system accepted the episode (${first.status})`, {
      expected: '201',
      actual: first.status,
    });
    const ref = first.body.episodeRef as string | undefined;
    if (!ref) return void t.check('ECAF-IN-001', false, 'the answer names no local episode', { actual: first.body });
    const held = (await driverOk(t, 'getCafEpisode', { episodeRef: ref })).episode as ExchangeEpisode;
    const sentEp = exported.episode as ExchangeEpisode;
    // Held faithfully means all of it, consent included, by meaning; the receiver may file it under its own local reference.
    for (const [label, key] of [
      ['the child', 'child'],
      ['the assessment', 'assessment'],
      ['the Team Around the Child', 'tac'],
      ['the delivery plan', 'deliveryPlan'],
      ['the reviews', 'reviews'],
      ['consent', 'consents'],
    ] as const) {
      const diffs = compareByMeaning(sentEp[key], held?.[key]);
      t.check('ECAF-IN-001', diffs.length === 0, `${label} is held as sent${diffs.length ? `: ${describeDifferences(diffs)}` : ''}`, {
        path: `/episode/${key}`,
        expected: 'as sent',
        actual: describeDifferences(diffs),
      });
    }
    const rest = compareByMeaning(sentEp, held, { ignore: ['/localRef', '/child', '/assessment', '/tac', '/deliveryPlan', '/reviews', '/consents'] });
    t.check('ECAF-IN-001', rest.length === 0, `the rest of the episode is held as sent${rest.length ? `: ${describeDifferences(rest)}` : ''}`, {
      path: '/episode',
      expected: 'as sent',
      actual: describeDifferences(rest),
    });
    t.step('National eCAF sends the same export again (a retry)');
    const again = await send(t, exported);
    t.check(
      'ECAF-IN-003',
      again.status < 300 && again.body.episodeRef === ref,
      'the repeat is recognised: the same local episode, not a second one',
      { expected: ref, actual: again.body.episodeRef ?? again.status },
    );
  },
};

export const refuseBadTransfer: TestDef = {
  id: 'ECAF-IN-002.refuse-bad-transfer',
  title: 'An episode with no consent in force, or malformed, is refused with an error and not stored',
  requirements: ['ECAF-IN-002'],
  async run(t) {
    const episode = t.data.cafCase();
    t.own(episode.child);
    const exported = await nationalExport(t, episode);
    const unconsented = {
      ...exported,
      exportId: `EXP-${randomUUID().slice(0, 8).toUpperCase()}`,
      episode: { ...(exported.episode as ExchangeEpisode), consents: [] },
    };
    t.step('An export arrives whose episode has no consent recorded');
    const r1 = await send(t, unconsented);
    t.check('ECAF-IN-002', r1.status >= 400 && r1.status < 500, `refused (${r1.status})`, { expected: '4xx', actual: r1.status });
    t.check('ECAF-IN-002', !r1.body.episodeRef, 'nothing was stored', { actual: r1.body.episodeRef ?? 'no episode' });
    const malformed = {
      ...exported,
      exportId: `EXP-${randomUUID().slice(0, 8).toUpperCase()}`,
      episode: { ...(exported.episode as ExchangeEpisode), caseNotes: 'unexpected field', child: undefined },
    };
    t.step('An export arrives that does not match the exchange format');
    const r2 = await send(t, malformed);
    t.check('ECAF-IN-002', r2.status >= 400 && r2.status < 500, `refused (${r2.status})`, { expected: '4xx', actual: r2.status });
    t.check('ECAF-IN-002', !r2.body.episodeRef, 'nothing was stored', { actual: r2.body.episodeRef ?? 'no episode' });
  },
};
