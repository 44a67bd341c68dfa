/** National eCAF test support: practitioners calling over HTTP, and hand-built valid messages. */
import { randomUUID } from 'node:crypto';
import { testServer } from '../support/server.js';
import { testNhs } from '../support/messages.js';
import type { ChildIdentity, PractitionerContact } from '../../src/platform/schemas/common.js';
import type {
  Agency,
  ConsentInput,
  ExchangeEpisode,
  Information,
  OpenEpisodeRequest,
  TacMemberInput,
  AssessmentInput,
} from '../../mocks/ecaf/schemas.js';

export type Srv = Awaited<ReturnType<typeof testServer>>;

/** The session day every rule test runs on (clock frozen). */
export const TODAY = '2026-11-25';
export const NOW = `${TODAY}T09:00:00Z`;

/** A fresh server with the demo session, its clock frozen on TODAY. */
export async function ecafServer(): Promise<Srv> {
  const srv = await testServer();
  await srv.control('PUT', '/clock', { now: NOW, frozen: true });
  return srv;
}

/** Calls as one practitioner through the demo practitioner portal (token demo-practitioner + Practitioner-Id). */
export function as(srv: Srv, practitionerId: string, token = 'demo-practitioner') {
  const headers = { 'practitioner-id': practitionerId };
  return {
    get: (path: string) => srv.api.request('GET', `/ecaf/v1${path}`, { token, headers }),
    post: (path: string, body?: unknown) => srv.api.request('POST', `/ecaf/v1${path}`, { token, headers, ...(body !== undefined ? { body } : {}) }),
    put: (path: string, body: unknown) => srv.api.request('PUT', `/ecaf/v1${path}`, { token, headers, body }),
    del: (path: string) => srv.api.request('DELETE', `/ecaf/v1${path}`, { token, headers }),
  };
}

/** A system with permission ecaf:exchange (the demo ICS). */
export function system(srv: Srv, token = 'demo-ics') {
  return {
    get: (path: string) => srv.api.request('GET', `/ecaf/v1${path}`, { token }),
    post: (path: string, body?: unknown) => srv.api.request('POST', `/ecaf/v1${path}`, { token, ...(body !== undefined ? { body } : {}) }),
  };
}

let families = 0;
/** A valid child with a distinct NHS number and family name, so tests never collide. */
export function child(n: number, over: Partial<ChildIdentity> = {}): ChildIdentity {
  return {
    name: { given: 'Ruby', family: `Caf-${n}-${families++}` },
    formerNames: [],
    dateOfBirth: '2012-03-14',
    gender: 'female',
    residence: { status: 'current', address: { lines: ['7 Mill Lane'], town: 'Barnet', postcode: 'EN5 2DP' } },
    identifiers: { nhsNumber: testNhs(7000 + n) },
    parentsCarers: [
      { name: { given: 'Sarah', family: 'Caf' }, relationship: 'mother', parentalResponsibility: true, contact: { phone: '020 7946 0777' } },
    ],
    ...over,
  };
}

const ROLE: Partial<Record<Agency, string>> = {
  'learning-mentor': 'Learning mentor',
  'youth-service': 'Youth worker',
  housing: 'Housing officer',
  'childrens-social-care': 'Social worker',
  'young-carers': 'Young carers worker',
  'school-nursing': 'School nurse',
  'adult-social-care': 'Adult social worker',
};

export function contact(practitionerId: string, agency: Agency): PractitionerContact {
  return {
    kind: 'practitioner',
    name: { given: practitionerId, family: 'Tester' },
    role: ROLE[agency] ?? 'Practitioner',
    organisation: `Barnet ${agency}`,
    phone: '020 7946 0500',
  };
}

export function member(practitionerId: string, agency: Agency, role: TacMemberInput['role'] = 'practitioner'): TacMemberInput {
  return { practitionerId, contact: contact(practitionerId, agency), agency, role };
}

const ALL: Information[] = ['assessment', 'delivery-plan', 'reviews'];
export function consent(agencies: Agency[], over: Partial<ConsentInput> = {}, information: Information[] = ALL): ConsentInput {
  return {
    givenBy: { role: 'child', name: { given: 'Ruby', family: 'Caf' } },
    givenOn: '2026-11-20',
    sharing: agencies.map((agency) => ({ agency, information })),
    involveParentsCarers: true,
    ...over,
  };
}

export const assessment = (over: Partial<AssessmentInput> = {}): AssessmentInput => ({
  completedOn: '2026-11-24',
  reasonForAssessment: 'Missing school and caring for a parent.',
  peoplePresent: ['Ruby', 'Sarah (mother)', 'Mentor'],
  servicesAlreadyInvolved: ['learning-mentor'],
  elements: [
    { domain: 'development-of-the-child', element: 'learning', strengths: 'Enjoys science.', needs: 'Behind in maths; misses lessons.' },
    { domain: 'family-and-environmental', element: 'housing-employment-and-financial-considerations', needs: 'Rent arrears.' },
  ],
  ...over,
});

/** An open-episode request: the mentor (learning-mentor) opens it with consent covering `agencies`. */
export function openBody(n: number, opts: { agencies?: Agency[]; withAssessment?: boolean; child?: ChildIdentity } = {}): OpenEpisodeRequest {
  return {
    child: opts.child ?? child(n),
    practitioner: { contact: contact('mentor', 'learning-mentor'), agency: 'learning-mentor' },
    consent: consent(opts.agencies ?? ['learning-mentor', 'youth-service', 'childrens-social-care']),
    ...(opts.withAssessment === false ? {} : { assessment: assessment() }),
  };
}

/** Opens an episode as `mentor` and returns its ID (fails the test if refused). */
export async function openEpisode(srv: Srv, n: number, opts: Parameters<typeof openBody>[1] = {}): Promise<string> {
  const res = await as(srv, 'mentor').post('/episodes', openBody(n, opts));
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${res.text}`);
  return res.body.episodeId as string;
}

/** An episode in the exchange format, as a local eCAF module holds it. */
export function exchangeEpisode(n: number, over: Partial<ExchangeEpisode> = {}): ExchangeEpisode {
  return {
    localRef: `LOCAL.CAF.${n}.${randomUUID().slice(0, 6)}`,
    openedOn: '2026-09-01',
    child: child(n),
    consents: [{ ...consent(['learning-mentor', 'youth-service']), givenOn: '2026-08-28' }],
    tac: [
      { ...member('mentor', 'learning-mentor'), role: 'episode-coordinator', joinedOn: '2026-09-01' },
      { ...member('youth', 'youth-service'), joinedOn: '2026-09-15' },
    ],
    leadProfessional: 'mentor',
    assessment: { ...assessment({ completedOn: '2026-09-08' }), assessedBy: 'mentor' },
    deliveryPlan: [
      {
        action: 'Weekly homework club',
        responsible: { kind: 'tac-member', practitionerId: 'mentor' },
        byWhen: '2026-12-18',
        desiredOutcome: 'Homework handed in on time',
        status: 'in-progress',
        progress: [{ on: '2026-10-01', by: 'mentor', note: 'Started' }],
      },
    ],
    reviews: [
      { date: '2026-10-20', peoplePresent: ['Ruby', 'Mentor'], nextSteps: 'Carry on', outcome: { kind: 'next-review', nextReviewOn: '2027-01-19' } },
    ],
    status: 'open',
    ...over,
  };
}

/** Every episode the session holds (harness view). */
export async function stored(srv: Srv): Promise<{ episodes: any[]; held: any[] }> {
  return (await srv.control('GET', '/ecaf/episodes')).body;
}

export const audit = async (srv: Srv, episodeId?: string): Promise<any[]> =>
  (await srv.control('GET', `/ecaf/audit${episodeId ? `?episodeId=${episodeId}` : ''}`)).body.entries;

/** Expects a problem+json refusal naming the rule and requirement. */
export function refusal(res: { status: number; headers: Headers; body: any }, status: number, code: string, rule: string, requirement: string): void {
  const where = `${res.status} ${JSON.stringify(res.body)}`;
  if (res.status !== status) throw new Error(`expected ${status}, got ${where}`);
  if (!String(res.headers.get('content-type')).includes('application/problem+json')) throw new Error(`not problem+json: ${where}`);
  if (res.body.code !== code) throw new Error(`expected ${code}: ${where}`);
  const hit = (res.body.errors ?? []).find((e: any) => e.rule === rule);
  if (!hit) throw new Error(`no error with rule ${rule}: ${where}`);
  if (hit.requirement !== requirement) throw new Error(`rule ${rule} names ${hit.requirement}, expected ${requirement}`);
  if (typeof hit.path !== 'string') throw new Error(`no path: ${where}`);
}
