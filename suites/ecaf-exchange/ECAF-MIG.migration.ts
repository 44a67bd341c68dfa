import { compareByMeaning, describeDifferences } from '../../src/harness/engine/compare.js';
import type { TestDef } from '../../src/harness/engine/types.js';
import type { ExchangeEpisode, MigrationBatch } from '../../mocks/ecaf/schemas.js';
import { driverOk, logCaf } from '../ecaf-support.js';

export const migration: TestDef = {
  id: 'ECAF-MIG-001.migration-export',
  title: 'A migration export sends every episode with consent as captured; consent captured later releases the held one',
  requirements: ['ECAF-MIG-001', 'ECAF-MIG-002', 'ECAF-MIG-003'],
  async run(t) {
    const open = t.data.cafCase({ status: 'open' });
    const closed = t.data.cafCase({ status: 'closed' });
    const unconsented = t.data.cafCase({ consent: false, status: 'open' });
    const refs: Record<string, string> = {};
    for (const ep of [open, closed, unconsented]) refs[ep.localRef] = (await logCaf(t, ep)).episodeRef;
    t.step("Export the local eCAF module's episodes for migration into National eCAF");
    const afterSeq = t.mock.lastSeq();
    await driverOk(t, 'exportMigration', {}, {});
    const mine = new Set(Object.keys(refs));
    const e = await t.expectMessage(
      'ECAF-MIG-001',
      'a migration batch',
      (x) =>
        x.operationId === 'importMigrationBatch' &&
        x.status < 300 &&
        Array.isArray((x.requestBody as MigrationBatch | undefined)?.episodes) &&
        ((x.requestBody as MigrationBatch).episodes as ExchangeEpisode[]).some((ep) => mine.has(ep?.localRef)),
      { afterSeq },
    );
    if (!e) return;
    const sent = (e.requestBody as MigrationBatch).episodes as ExchangeEpisode[];
    const byRef = new Map(sent.map((ep) => [ep.localRef, ep]));
    for (const ep of [open, closed, unconsented])
      t.check('ECAF-MIG-001', byRef.has(ep.localRef), `${ep.status} episode ${ep.localRef} is in the batch`, {
        exchange: e.seq,
        path: '/episodes',
        expected: ep.localRef,
        actual: byRef.has(ep.localRef) ? 'present' : 'missing',
      });
    for (const ep of [open, closed, unconsented]) {
      const s = byRef.get(ep.localRef);
      if (!s) continue;
      const diffs = compareByMeaning(ep.consents, s.consents);
      t.check(
        'ECAF-MIG-002',
        diffs.length === 0,
        `${ep.localRef}: consent as captured (${ep.consents.length} record(s))${diffs.length ? `: ${describeDifferences(diffs)}` : ''}`,
        { exchange: e.seq, path: '/episodes', expected: ep.consents, actual: Array.isArray(s.consents) ? s.consents : 'missing' },
      );
    }
    const results = (e.responseBody as { results?: Array<{ localRef?: string; outcome: string; holdId?: string }> }).results ?? [];
    const held = results.find((r) => r.localRef === unconsented.localRef);
    t.check('ECAF-MIG-002', held?.outcome === 'held-for-consent', 'the episode without consent is held for manual capture', {
      exchange: e.seq,
      expected: 'held-for-consent',
      actual: held?.outcome ?? 'not sent',
    });
    if (held?.outcome !== 'held-for-consent') return;
    const consent = {
      ...open.consents[0]!,
      givenOn: t.data.today,
      givenBy: { role: 'parent' as const, name: unconsented.child.parentsCarers[0]?.name ?? unconsented.child.name },
      sharing: [...new Set(unconsented.tac.map((m) => m.agency))].map((agency) => ({
        agency,
        information: ['assessment' as const, 'delivery-plan' as const, 'reviews' as const],
      })),
    };
    delete (consent as { withdrawnOn?: string }).withdrawnOn;
    t.step(`Consent is captured by hand for ${unconsented.localRef}: record it in the system`);
    const before = t.mock.lastSeq();
    await driverOk(t, 'captureConsent', { episodeRef: refs[unconsented.localRef]! }, consent);
    // Two messages, each with its own time to come: the consent recorded at National eCAF, then the release.
    const recorded = await t.expectMessage(
      'ECAF-MIG-003',
      'consent recorded at National eCAF for the held episode',
      (x) => (x.operationId === 'recordHeldConsent' || x.operationId === 'releaseHeldEpisode') && x.status < 300 && x.path.includes(held.holdId!),
      { afterSeq: before },
    );
    if (!recorded) return;
    const release =
      recorded.operationId === 'releaseHeldEpisode'
        ? recorded
        : await t.expectMessage(
            'ECAF-MIG-003',
            'release of the held episode at National eCAF',
            (x) => x.operationId === 'releaseHeldEpisode' && x.status < 300 && x.path.includes(held.holdId!),
            { afterSeq: recorded.seq },
          );
    if (release) t.check('ECAF-MIG-003', true, 'consent recorded and the episode released', { exchange: release.seq });
  },
};
