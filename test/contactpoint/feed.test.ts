import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testServer } from '../support/server.js';
import { involvement, testNhs, testUpn } from '../support/messages.js';

let srv: Awaited<ReturnType<typeof testServer>>;
beforeAll(async () => {
  srv = await testServer();
  await srv.control('POST', '/seed', { dataset: 'empty' });
});
afterAll(() => srv.close());

const post = (body: unknown, token = 'demo-ics') => srv.api.request('POST', '/contactpoint/v1/involvements', { body, token });
const children = async () => (await srv.control('GET', '/contactpoint/children')).body.children as Array<{ contactPointId: string; identity: any }>;

describe('involvement feed', () => {
  it('CP-FEED-001: accepts a valid message with a receipt and a new ContactPoint ID', async () => {
    const res = await post(involvement({ child: { identifiers: { nhsNumber: testNhs(100) } } }));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'accepted', repeat: false, matchedBy: 'new-child' });
    expect(res.body.contactPointId).toMatch(/^CP\d{9}[A-Z]$/);
    // A sized answer, not a chunked stream: what a strict client (or a proxy in front of it) expects of a small JSON reply.
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(JSON.stringify(res.body)));
  });

  it('CP-FEED-001: a repeated message ID is acknowledged again and never stored twice', async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(101) }, name: { given: 'Repeat', family: 'Once' } } });
    const first = await post(msg);
    const before = (await children()).length;
    const again = await post(msg);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ receiptId: first.body.receiptId, repeat: true, contactPointId: first.body.contactPointId });
    expect((await children()).length).toBe(before);
  });

  it('CP-FEED-001: a message ID reused for different content is refused with 409', async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(102) } } });
    await post(msg);
    const res = await post({ ...msg, sentAt: '2026-11-22T10:00:00Z' });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ICS_ERR_MESSAGE_ID_REUSED');
  });

  it('CP-FEED-002: unknown fields that could carry case content are refused with path and rule', async () => {
    const msg = involvement() as any;
    msg.involvement.caseNotes = 'Mother reports...';
    const res = await post(msg);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toContainEqual(expect.objectContaining({ path: '/involvement/caseNotes', rule: 'unknown-field' }));
  });

  it('CP-FEED-002: case content in a free-text value is refused', async () => {
    const res = await post(
      involvement({
        involvement: {
          contact: {
            kind: 'practitioner',
            name: { given: 'A', family: 'B' },
            role: 'Social worker - referred because of neglect',
            organisation: 'Barnet',
            phone: '020 8359 4066',
          },
        },
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'ICS_ERR_CASE_INFORMATION' });
    expect(res.body.errors[0]).toMatchObject({ path: '/involvement/contact/role', rule: 'case-information', requirement: 'CP-FEED-002' });
    const ok = await post(
      involvement({
        involvement: { contact: { kind: 'team', teamName: 'Duty and Assessment Team', organisation: 'Barnet', phone: '020 8359 4066' } },
      }),
    );
    expect(ok.status).toBe(202);
  });

  it('CP-FEED-003: identifiers must pass their check algorithms', async () => {
    for (const identifiers of [{ nhsNumber: '9434765918' }, { upn: 'A801200001001' }, { uln: '9276308687' }]) {
      const res = await post(involvement({ child: { identifiers } }));
      expect(res.status).toBe(422);
      const key = Object.keys(identifiers)[0]!;
      expect(res.body.errors).toContainEqual(expect.objectContaining({ path: `/child/identifiers/${key}`, rule: expect.stringMatching(/^format:/) }));
    }
    const ok = await post(involvement({ child: { identifiers: { nhsNumber: testNhs(103), upn: testUpn(1), uln: '9276308686' } } }));
    expect(ok.status).toBe(202);
  });

  it('CP-FEED-005: a child aged 18 or over on the message date is refused', async () => {
    const res = await post(involvement({ child: { dateOfBirth: '2008-11-20' }, sentAt: '2026-11-20T10:00:00Z' }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('ICS_ERR_AGE_LIMIT');
    const dayBefore = await post(
      involvement({ child: { dateOfBirth: '2008-11-21', identifiers: { nhsNumber: testNhs(104) } }, sentAt: '2026-11-20T10:00:00Z' }),
    );
    expect(dayBefore.status).toBe(202);
  });

  it('CP-FEED-006: a sensitive service needs a stated basis', async () => {
    const res = await post(involvement({ involvement: { service: 'mental-health' } }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ path: '/involvement/sensitiveBasis', rule: 'sensitive-basis-required', requirement: 'CP-FEED-006' });
    const ok = await post(
      involvement({ child: { identifiers: { nhsNumber: testNhs(105) } }, involvement: { service: 'mental-health', sensitiveBasis: 'consent' } }),
    );
    expect(ok.status).toBe(202);
  });

  it('CP-FEED-007: a later message from the same source record replaces its values; an older one does not', async () => {
    const base = involvement({ child: { identifiers: { nhsNumber: testNhs(106) } }, sentAt: '2026-11-20T10:00:00Z' });
    const first = await post(base);
    const moved = involvement({
      sourceRecordId: base.sourceRecordId,
      sentAt: '2026-11-21T10:00:00Z',
      child: { ...base.child, residence: { status: 'current', address: { lines: ['1 New Street'], postcode: 'N3 2AA' } } },
    });
    expect((await post(moved)).body).toMatchObject({ status: 'accepted', contactPointId: first.body.contactPointId, matchedBy: 'source-record' });
    const late = involvement({ sourceRecordId: base.sourceRecordId, sentAt: '2026-11-19T10:00:00Z', child: base.child });
    expect((await post(late)).body.status).toBe('stale');
    const own = await srv.api.request('GET', `/contactpoint/v1/source-records/${base.sourceRecordId}`);
    expect(own.body.message.child.residence.address.postcode).toBe('N3 2AA');
    const child = (await children()).find((c) => c.contactPointId === first.body.contactPointId)!;
    expect(child.identity.residence.address.postcode).toBe('N3 2AA');
  });

  it('CP-FEED-008: an involvement cannot be deleted, only ended', async () => {
    const msg = involvement({ child: { identifiers: { nhsNumber: testNhs(107) } } });
    await post(msg);
    const del = await srv.api.request('DELETE', `/contactpoint/v1/source-records/${msg.sourceRecordId}`);
    expect(del.status).toBe(409);
    expect(del.body.errors[0]).toMatchObject({ rule: 'end-not-delete', requirement: 'CP-FEED-008' });
    const ended = await post(
      involvement({
        sourceRecordId: msg.sourceRecordId,
        sentAt: '2026-11-21T10:00:00Z',
        child: msg.child,
        involvement: { ...msg.involvement, endDate: '2026-11-21' },
      }),
    );
    expect(ended.status).toBe(202);
  });

  it('CP-FEED-010: an end date before the start date is refused', async () => {
    const res = await post(involvement({ involvement: { startDate: '2026-11-10', endDate: '2026-11-01' } }));
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ path: '/involvement/endDate', rule: 'end-after-start' });
  });

  it('CP-FEED-004: a named practitioner or a central team contact is required', async () => {
    const msg = involvement() as any;
    msg.involvement.contact = { kind: 'practitioner', organisation: 'Barnet', phone: '020 8359 4066' };
    const res = await post(msg);
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['/involvement/contact/name', '/involvement/contact/role']));
  });
});

describe('matching', () => {
  it('CP-MATCH-001: a second source system with the same NHS number joins the same child', async () => {
    const a = await post(involvement({ child: { identifiers: { nhsNumber: testNhs(200) }, name: { given: 'Jo', family: 'Match' } } }));
    const b = await post(
      involvement({
        child: { identifiers: { nhsNumber: testNhs(200) }, name: { given: 'Joanne', family: 'Match' } },
        involvement: {
          service: 'education',
          contact: { kind: 'team', teamName: 'Pastoral team', organisation: 'Hendon School', phone: '020 8202 9004' },
        },
      }),
      'demo-education',
    );
    expect(b.body).toMatchObject({ status: 'accepted', contactPointId: a.body.contactPointId, matchedBy: 'nhsNumber' });
  });

  it('CP-MATCH-002: without identifiers, name + date of birth + postcode match an existing child', async () => {
    const child = { identifiers: {}, name: { given: 'Demo', family: 'Graphic' }, dateOfBirth: '2012-01-09' };
    const a = await post(involvement({ child }));
    const b = await post(involvement({ child }), 'demo-ics-neighbour');
    expect(b.body).toMatchObject({ contactPointId: a.body.contactPointId, matchedBy: 'demographics' });
  });

  it('CP-MATCH-003: conflicting identifiers go to the review queue with a reason; no duplicate child is made', async () => {
    await post(
      involvement({ child: { identifiers: { nhsNumber: testNhs(300) }, name: { given: 'Conf', family: 'Lict' }, dateOfBirth: '2013-03-03' } }),
    );
    const before = (await children()).length;
    // Same NHS number, different date of birth: the identifier and the demographics disagree.
    const res = await post(
      involvement({ child: { identifiers: { nhsNumber: testNhs(300) }, name: { given: 'Conf', family: 'Lict' }, dateOfBirth: '2013-04-04' } }),
      'demo-education',
    );
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('queued-for-review');
    expect((await children()).length).toBe(before);
    const reviews = (await srv.control('GET', '/contactpoint/reviews')).body.reviews;
    const item = reviews.find((r: any) => r.reviewId === res.body.reviewId);
    expect(item.reason).toMatch(/date of birth differs/);
    const resolved = await srv.control('POST', `/contactpoint/reviews/${item.reviewId}/resolve`, { contactPointId: item.candidates[0] });
    expect(resolved.body.status).toBe('resolved');
    expect((await srv.control('POST', `/contactpoint/reviews/${item.reviewId}/resolve`, { createNew: true })).status).toBe(409);
  });

  it('CP-MATCH-003: ambiguous demographics (no postcode to confirm) go to review', async () => {
    const child = { identifiers: {}, name: { given: 'Nomad', family: 'Unknown' }, dateOfBirth: '2011-07-07' };
    await post(involvement({ child }));
    const res = await post(involvement({ child: { ...child, residence: { status: 'no-known-address' } } }), 'demo-ics-neighbour');
    expect(res.body.status).toBe('queued-for-review');
  });
});

describe('message order', () => {
  it('CP-FEED-007: sentAt is compared as an instant, whatever its offset', async () => {
    const first = involvement({ child: { identifiers: { nhsNumber: testNhs(800) } }, sentAt: '2026-11-20T09:30:00Z' });
    await post(first);
    // 10:00+01:00 is 09:00Z: older than the stored message, so it is stale even though its text sorts later.
    const older = involvement({ sourceRecordId: first.sourceRecordId, child: first.child, sentAt: '2026-11-20T10:00:00+01:00' });
    expect((await post(older)).body.status).toBe('stale');
    const newer = involvement({ sourceRecordId: first.sourceRecordId, child: first.child, sentAt: '2026-11-20T11:00:00+01:00' });
    expect((await post(newer)).body.status).toBe('accepted');
  });
});
