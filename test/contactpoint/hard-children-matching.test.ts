/**
 * ContactPoint's matching (CP-MATCH-001..003) with the children that break naive systems: every kind
 * ContactPoint holds is accepted as sent; twins and triplets are separate children, with or without
 * identifiers; the same child with a former name is one; a child with no identifier is matched on
 * name, date of birth and postcode, and held for review when there is no postcode to confirm; a
 * young person of 18 is refused and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { SyntheticData } from '../../src/harness/engine/synthetic.js';
import { HARD_CHILD_KINDS, HARD_CHILD_RULES, type HardChildKind } from '../../src/harness/model/hard-children.js';
import { isTestRangeNhsNumber, isValidNhsNumber, isValidUln, isValidUpn } from '../../src/platform/identifiers/index.js';
import { testServer } from '../support/server.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
  await srv.control('POST', '/seed', { dataset: 'empty' });
});
afterAll(() => srv.close());

const data = new SyntheticData(48, new Date().toISOString().slice(0, 10));
const message = (child: ChildIdentity, sourceRecordId = `HC-${randomUUID().slice(0, 8)}`) => ({
  messageId: randomUUID(),
  sourceRecordId,
  sentAt: new Date().toISOString(),
  child,
  involvement: {
    service: 'childrens-social-care',
    contact: data.worker('childrens-social-care', 'team'),
    startDate: data.today,
    leadProfessional: false,
  },
});
const post = (child: ChildIdentity, opts: { token?: string; sourceRecordId?: string } = {}) =>
  srv.api.request('POST', '/contactpoint/v1/involvements', { token: opts.token ?? 'demo-ics', body: message(child, opts.sourceRecordId) });
const held = async () =>
  (await srv.control('GET', '/contactpoint/children')).body.children as Array<{ contactPointId: string; identity: ChildIdentity }>;
const stripIds = (c: ChildIdentity): ChildIdentity => ({ ...c, identifiers: {} });
const sent = HARD_CHILD_KINDS.filter((k) => HARD_CHILD_RULES[k].sent);

describe('hard children are synthetic and valid', () => {
  it.each(HARD_CHILD_KINDS)('%s: identifiers pass their check algorithms, NHS numbers from the 999 range', (kind: HardChildKind) => {
    const children = data.hardChildren(kind);
    expect(children).toHaveLength(HARD_CHILD_RULES[kind].children);
    for (const c of children) {
      const { nhsNumber, upn, uln } = c.identifiers;
      if (nhsNumber) expect(isValidNhsNumber(nhsNumber) && isTestRangeNhsNumber(nhsNumber), nhsNumber).toBe(true);
      if (upn) expect(isValidUpn(upn), upn).toBe(true);
      if (uln) expect(isValidUln(uln), uln).toBe(true);
    }
  });
});

describe('ContactPoint matching of hard children', () => {
  it.each(sent)('%s: accepted as sent, and held as sent', async (kind) => {
    for (const c of data.hardChildren(kind)) {
      const res = await post(c);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      expect(res.body.status).toBe('accepted');
      const child = (await held()).find((x) => x.contactPointId === res.body.contactPointId)!;
      expect({ name: child.identity.name, dateOfBirth: child.identity.dateOfBirth, residence: child.identity.residence }).toEqual({
        name: c.name,
        dateOfBirth: c.dateOfBirth,
        residence: c.residence,
      });
    }
  });

  it.each(['twins', 'triplets'] as const)(
    '%s at one address with one date of birth are separate children, with identifiers or without',
    async (kind) => {
      const withIds = data.hardChildren(kind);
      const ids = await Promise.all(withIds.map(async (c) => (await post(c)).body.contactPointId as string));
      expect(new Set(ids).size).toBe(withIds.length);
      // Without identifiers only the given names tell them apart: still that many children (CP-MATCH-002 on the whole name).
      const bare = data.hardChildren(kind).map(stripIds);
      const answers = [];
      for (const c of bare) answers.push((await post(c)).body);
      expect(answers.map((a) => a.status)).toEqual(bare.map(() => 'accepted'));
      expect(new Set(answers.map((a) => a.contactPointId)).size).toBe(bare.length);
    },
  );

  it('the same child sent again with a former name added is one child (by identifier)', async () => {
    const [c] = data.hardChildren('one-identifier');
    const first = (await post(c!)).body.contactPointId;
    const renamed: ChildIdentity = { ...c!, name: { ...c!.name, family: 'Renamed' }, formerNames: [c!.name] };
    expect((await post(renamed, { token: 'demo-education' })).body).toMatchObject({
      status: 'accepted',
      contactPointId: first,
      matchedBy: 'nhsNumber',
    });
  });

  it('the same child with no identifier, renamed with the old name as a former name, is one child (matched on the former name)', async () => {
    const [c] = data.hardChildren('no-identifier');
    const first = (await post(c!)).body.contactPointId;
    const before = (await held()).length;
    const renamed: ChildIdentity = { ...c!, name: { ...c!.name, family: 'Renamed' }, formerNames: [c!.name] };
    const res = (await post(renamed, { token: 'demo-education' })).body;
    expect(res).toMatchObject({ status: 'accepted', contactPointId: first, matchedBy: 'demographics' });
    expect((await held()).length).toBe(before);
  });

  it('a child with no identifier is matched on name, date of birth and postcode (CP-MATCH-002)', async () => {
    const [c] = data.hardChildren('no-identifier');
    expect(c!.identifiers).toEqual({});
    const first = (await post(c!)).body;
    expect(first).toMatchObject({ status: 'accepted', matchedBy: 'new-child' });
    expect((await post(c!, { token: 'demo-ics-neighbour' })).body).toMatchObject({
      status: 'accepted',
      contactPointId: first.contactPointId,
      matchedBy: 'demographics',
    });
  });

  it('a child with no identifier and no known address, whose name and birthday match a child held, goes to review, never a duplicate (CP-MATCH-003)', async () => {
    const [c] = data.hardChildren('no-identifier');
    await post(c!);
    const before = (await held()).length;
    const res = await post({ ...c!, residence: { status: 'no-known-address' } }, { token: 'demo-ics-neighbour' });
    expect(res.body.status).toBe('queued-for-review');
    expect((await held()).length).toBe(before);
  });

  it.each(['eighteen-today', 'eighteen-yesterday'] as const)('%s: refused as problem+json, and nothing is stored', async (kind) => {
    const [c] = data.hardChildren(kind);
    const before = await held();
    const res = await post(c!);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await held()).toEqual(before);
  });
});
