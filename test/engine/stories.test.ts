/**
 * STORY-003: each kind of source system's own story passes against the reference system in that
 * kind's mode, and a faulty variant typical of the kind is caught by the requirement its story step
 * shows. One run per kind and variant, STORY-003 alone.
 */
import { describe, expect, it } from 'vitest';
import { runDemo, referenceStatement } from '../../src/harness/app/demo.js';
import { ALL_SUITES } from '../../suites/index.js';
import { STORIES } from '../../suites/stories/STORY-003.own-story.js';
import type { FaultyVariant } from '../../reference-ics/variants.js';
import type { SourceSystemType } from '../../src/harness/model/profiles.js';

const ID = 'STORY-003.own-story';
const suites = ALL_SUITES.map((s) => ({ ...s, tests: s.tests.filter((t) => t.id === ID) })).filter((s) => s.tests.length);
const statement = (profile: SourceSystemType) => ({
  ...referenceStatement(profile),
  timeouts: { messageMs: 1500, giveUpMs: 2500, quietMs: 150, sutRequestMs: 500 },
});
const run = (profile: SourceSystemType, variants: FaultyVariant[] = []) => runDemo({ suites, statement: statement(profile), profile, variants });

const CAUGHT: Array<[SourceSystemType, FaultyVariant, string]> = [
  ['education', 'stale-address', 'CP-FEED-007'],
  ['education', 'drops-upn', 'CP-FEED-003'],
  ['health', 'basis-dropped-on-discharge', 'CP-FEED-006'],
  ['youth-offending', 'wrong-start-date', 'CP-FEED-010'],
  ['connexions', 'end-not-sent', 'CP-FEED-008'],
  ['youth', 'stale-address', 'CP-FEED-007'],
  ['other', 'wrong-end-date', 'CP-FEED-010'],
  ['ics', 'drops-end-date', 'CP-FEED-008'],
];

describe.concurrent("each kind of system's own story", () => {
  it.each(Object.keys(STORIES) as SourceSystemType[])(
    '%s: passes against the reference system in its mode, with its own services',
    async (profile) => {
      const r = await run(profile);
      const t = r.tests[0]!;
      expect(t.status, t.reason).toBe('PASSED');
      expect(t.steps[0]).toContain(STORIES[profile]!.title);
      expect(t.checks.length).toBeGreaterThan(2);
    },
  );

  it('local eCAF: sends no involvements, so the story is skipped with its reason (never passed)', async () => {
    const r = await run('local-ecaf');
    expect(r.tests[0]).toMatchObject({ status: 'SKIPPED', reason: 'capability "contactpoint-feed" not declared in the conformance statement' });
  });

  it.each(CAUGHT)('%s: %s is caught by %s', async (profile, variant, requirement) => {
    const t = (await run(profile, [variant])).tests[0]!;
    expect(t.status, t.reason).toBe('FAILED');
    expect(t.checks.filter((c) => c.verdict === 'fail').map((c) => c.requirement)).toContain(requirement);
  });
});
