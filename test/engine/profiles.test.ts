/** Source-system profiles: the statement's type selects them, bad declarations are refused, the reference system keeps to its kind, and the hard children are what they say. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { parseStatement, ConfigError, statementTemplate, STATEMENT_TEMPLATE } from '../../src/harness/model/statement.js';
import { SOURCE_SYSTEM_TYPES } from '../../src/harness/model/profiles.js';
import { initCommand } from '../../src/cli/commands/init.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aSystem, checkCapabilities, profileFor, PROFILES } from '../../src/harness/model/profiles.js';
import { SyntheticData, HARD_CHILD_KINDS } from '../../src/harness/engine/synthetic.js';
import { ageOn, addYears } from '../../src/platform/clock.js';
import { startReferenceIcs } from '../../reference-ics/app.js';
import { testServer } from '../support/server.js';
import type { ChildIdentity } from '../../src/platform/schemas/common.js';

const yml = (type: string, caps: string) => `vendor: a\nproduct: b\nversion: c\nsourceSystemType: ${type}\ncapabilities: [${caps}]\n`;

describe("the statement's source-system type", () => {
  it('accepts the types the guidance note names (youth offending and Connexions too)', () => {
    for (const type of ['youth-offending', 'connexions', 'education', 'health'])
      expect(parseStatement(yml(type, 'contactpoint-feed'), 'x').sourceSystemType).toBe(type);
    expect(profileFor('connexions')).toMatchObject({ identifiers: ['uln'], caseload: { maxAge: 19 }, mainService: 'connexions' });
  });

  it('refuses a capability its kind of system cannot have, naming the ones it can', () => {
    expect(() => parseStatement(yml('education', 'contactpoint-feed, ecaf-transfer-out'), 'school.yml')).toThrow(ConfigError);
    expect(() => parseStatement(yml('education', 'contactpoint-feed, ecaf-transfer-out'), 'school.yml')).toThrow(
      'school.yml: capabilities: an education system cannot declare "ecaf-transfer-out"; an education system can declare "contactpoint-feed" (docs/source-systems.md#education)',
    );
    // A local eCAF system sends CAF indicators only: no involvement feed.
    expect(() => parseStatement(yml('local-ecaf', 'contactpoint-feed'), 'x')).toThrow(/cannot declare "contactpoint-feed"/);
    expect(() => parseStatement(yml('police', 'contactpoint-feed'), 'x')).toThrow(/sourceSystemType/);
  });

  it('an unknown type outside a parsed statement is refused with the valid ones listed', () => {
    expect(() => checkCapabilities('police', [])).toThrow(
      'sourceSystemType: unknown type "police". Please provide one of "ics", "local-ecaf", "education", "health", "youth", "youth-offending", "connexions", "other"',
    );
  });
});

describe('a statement template per source-system type', () => {
  it.each(SOURCE_SYSTEM_TYPES)('%s: parses, declares its type and only capabilities it can have', (type) => {
    const st = parseStatement(statementTemplate(type), `${type}.yml`);
    expect(st.sourceSystemType).toBe(type);
    expect(st.capabilities.length).toBeGreaterThan(0);
    expect(st.capabilities.every((c) => PROFILES[type].capabilities.includes(c))).toBe(true);
  });

  it('the default is the ICS statement', () => {
    expect(STATEMENT_TEMPLATE).toBe(statementTemplate('ics'));
    expect(parseStatement(STATEMENT_TEMPLATE, 'x').capabilities).toEqual(['contactpoint-feed', 'local-ecaf']);
  });

  it.each(SOURCE_SYSTEM_TYPES)("init --source-system %s writes that type's statement", async (type) => {
    const dir = mkdtempSync(join(tmpdir(), 'ics-init-'));
    try {
      const out = join(dir, `${type}.yml`);
      const log = console.log;
      console.log = () => undefined;
      try {
        await (initCommand().handler as (a: unknown) => Promise<void>)({ out, force: false, 'source-system': type });
      } finally {
        console.log = log;
      }
      const st = parseStatement(readFileSync(out, 'utf8'), out);
      expect(st.sourceSystemType).toBe(type);
      expect(st.capabilities.length).toBeGreaterThan(0);
      expect(st.capabilities.every((c) => PROFILES[type].capabilities.includes(c))).toBe(true);
      if (type === 'education') expect(st.capabilities).toEqual(['contactpoint-feed']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the reference system in a profile's mode", () => {
  let sut: Awaited<ReturnType<typeof startReferenceIcs>>;
  beforeAll(async () => {
    sut = await startReferenceIcs({ port: 0, profile: 'education' });
  });
  afterAll(() => sut.close());
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${sut.url}/driver/v1${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it('names its kind', async () => {
    expect(await (await call('GET', '/system')).json()).toMatchObject({ product: 'Reference education system' });
  });

  it('refuses to record a service its kind does not report (problem+json) and records and sends nothing', async () => {
    const data = new SyntheticData(7, '2026-12-04');
    const child = data.child({ holding: ['upn'] });
    const { childRef } = (await (await call('POST', '/children', { child })).json()) as { childRef: string };
    const res = await call('POST', `/children/${childRef}/involvements`, {
      service: 'mental-health',
      sensitiveBasis: 'consent',
      worker: data.worker('mental-health'),
      startDate: '2026-12-01',
      leadProfessional: false,
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 422,
      errors: [
        {
          path: '/service',
          message: expect.stringContaining('an education system does not record mental-health involvements; it records education'),
        },
      ],
    });
    expect(sut.ics.outbox.deliveries).toEqual([]);
    // Its own work is recorded (enrolment as an education involvement).
    const ok = await call('POST', `/children/${childRef}/involvements`, {
      service: 'education',
      worker: data.worker('education'),
      startDate: '2026-09-01',
      leadProfessional: false,
    });
    expect(ok.status).toBe(201);
  });
});

describe('hard children', () => {
  const today = '2026-12-04';
  const data = () => new SyntheticData(11, today);

  it('are seeded: the same seed gives the same children', () => {
    for (const kind of HARD_CHILD_KINDS) expect(data().hardChildren(kind)).toEqual(data().hardChildren(kind));
  });

  it('each kind is what it says', () => {
    const d = data();
    const [former] = d.hardChildren('former-names');
    expect(former!.formerNames.length).toBe(2);
    expect(d.hardChildren('no-fixed-abode')[0]!.residence).toEqual({ status: 'no-known-address' });
    const [a, b] = d.hardChildren('twins') as [ChildIdentity, ChildIdentity];
    expect({ dob: b.dateOfBirth, home: b.residence, family: b.name.family, parents: b.parentsCarers }).toEqual({
      dob: a.dateOfBirth,
      home: a.residence,
      family: a.name.family,
      parents: a.parentsCarers,
    });
    expect(b.name.given).not.toBe(a.name.given);
    expect(b.identifiers.nhsNumber).not.toBe(a.identifiers.nhsNumber);
    const [soon] = d.hardChildren('birthday-tomorrow');
    expect(ageOn(soon!.dateOfBirth, today)).toBe(17);
    expect(ageOn(soon!.dateOfBirth, '2026-12-05')).toBe(18);
    expect(soon!.dateOfBirth).toBe(addYears('2026-12-05', -18));
    // No child turns 18 on 29 February: on 28 February 2028 the oldest 17-year-old turns 18 on 1 March.
    const [leap] = new SyntheticData(11, '2028-02-28').hardChildren('birthday-tomorrow');
    expect([ageOn(leap!.dateOfBirth, '2028-02-28'), ageOn(leap!.dateOfBirth, '2028-03-01'), leap!.dateOfBirth]).toEqual([17, 18, '2010-03-01']);
    for (const only of ['nhsNumber', 'upn', 'uln'] as const)
      expect(Object.keys(d.hardChildren('one-identifier', { only })[0]!.identifiers)).toEqual([only]);
  });

  it('the kinds added for #18 are what they say', () => {
    const d = data();
    const [p] = d.hardChildren('punctuated-names');
    expect(`${p!.name.given} ${p!.name.middle ?? ''} ${p!.name.family}`).toMatch(/['-]/);
    expect(`${p!.name.given}${p!.name.family}`).toMatch(/[À-ÿ]/);
    const [n] = d.hardChildren('non-latin-names');
    expect(n!.name.family).toMatch(/[^\p{Script=Latin}]/u);
    const [l] = d.hardChildren('long-names');
    for (const part of [l!.name.given, l!.name.middle!, l!.name.family]) expect(part.length >= 90 && part.length <= 100, part).toBe(true);
    expect(d.hardChildren('address-unknown')[0]!.residence.status).toBe('last-known');
    const trip = d.hardChildren('triplets');
    expect(new Set(trip.map((c) => c.name.given)).size).toBe(3);
    expect(new Set(trip.map((c) => c.identifiers.nhsNumber)).size).toBe(3);
    expect(new Set(trip.map((c) => JSON.stringify([c.dateOfBirth, c.name.family, c.residence]))).size).toBe(1);
    const [t18] = d.hardChildren('eighteen-today');
    expect([ageOn(t18!.dateOfBirth, '2026-12-03'), ageOn(t18!.dateOfBirth, today)]).toEqual([17, 18]);
    const [y18] = d.hardChildren('eighteen-yesterday');
    expect([ageOn(y18!.dateOfBirth, '2026-12-02'), ageOn(y18!.dateOfBirth, '2026-12-03')]).toEqual([17, 18]);
    expect(d.hardChildren('only-uln')[0]!.identifiers).toEqual({ uln: expect.any(String) });
    expect(d.hardChildren('only-upn')[0]!.identifiers).toEqual({ upn: expect.any(String) });
    expect(d.hardChildren('no-identifier')[0]!.identifiers).toEqual({});
    const [b] = d.hardChildren('born-today');
    expect([b!.dateOfBirth, b!.school, Object.keys(b!.identifiers)]).toEqual([today, undefined, ['nhsNumber']]);
  });

  it('keep within a caseload and hold its identifiers (Connexions: 13 and over, a ULN)', () => {
    const { caseload, identifiers } = PROFILES.connexions;
    for (const kind of ['former-names', 'no-fixed-abode', 'twins', 'birthday-tomorrow'] as const)
      for (const c of data().hardChildren(kind, { minAge: caseload.minAge, holding: identifiers })) {
        expect(ageOn(c.dateOfBirth, today)).toBeGreaterThanOrEqual(caseload.minAge);
        expect(c.identifiers.uln).toBeDefined();
      }
  });
});

describe('ContactPoint matching of hard children', () => {
  let srv: Awaited<ReturnType<typeof testServer>>;
  beforeAll(async () => {
    srv = await testServer();
    await srv.control('POST', '/seed', { dataset: 'empty' });
  });
  afterAll(() => srv.close());
  const d = new SyntheticData(23, new Date().toISOString().slice(0, 10));
  const send = async (child: ChildIdentity, sourceRecordId = `HC-${randomUUID().slice(0, 8)}`) => {
    const res = await srv.api.request('POST', '/contactpoint/v1/involvements', {
      token: 'demo-ics',
      body: {
        messageId: randomUUID(),
        sourceRecordId,
        sentAt: new Date().toISOString(),
        child,
        involvement: { service: 'education', contact: d.worker('education', 'team'), startDate: d.today, leadProfessional: false },
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.contactPointId as string;
  };

  it('twins at one address with one date of birth are two children', async () => {
    const [a, b] = d.hardChildren('twins') as [ChildIdentity, ChildIdentity];
    expect(await send(a)).not.toBe(await send(b));
  });

  it('the same child with a former name added is one child', async () => {
    const [c] = d.hardChildren('no-fixed-abode');
    const first = await send(c!);
    expect(await send({ ...c!, formerNames: [{ given: c!.name.given, family: 'Earlier' }] })).toBe(first);
  });
});

describe('a kind of system in messages', () => {
  it('reads as English for every type', () => {
    expect(SOURCE_SYSTEM_TYPES.map(aSystem)).toEqual([
      ...SOURCE_SYSTEM_TYPES.filter((t) => t !== 'other').map((t) => `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t} system`),
      'a system of another kind',
    ]);
  });
});
