/**
 * The requirement catalogue: the one list of requirement IDs. Suites cite these IDs, the mocks' errors
 * cite them, and a test fails when anything cites an ID that is not here, or when a MUST requirement
 * on the vendor's system has neither a test nor a written reason why no machine can check it.
 */
import type { Requirement } from './result-types.js';
import type { ServiceRequirement } from '../../platform/rules.js';
import { CONTACTPOINT_REQUIREMENTS } from '../../../mocks/contactpoint/rules.js';
import { ECAF_REQUIREMENTS } from '../../../mocks/ecaf/requirements.js';

export const CATALOGUE_VERSION = '2026.11.1';

const gn = (section: string, quote: string) => ({ section: `Guidance note ${section}`, quote });
const dn = (text: string) => ({ domainNotes: text });

/** A service's own requirement as the catalogue holds it: a MUST of the core service, verified by this project's tests. */
function serviceRequirement(r: ServiceRequirement): Requirement {
  return {
    id: r.id,
    statement: r.statement,
    level: 'MUST',
    capability: 'core',
    appliesTo: 'service',
    source: r.source,
    verifiedBy: [...r.verifiedBy],
  };
}

export const REQUIREMENTS: Requirement[] = [
  // ---- ContactPoint feed: what the vendor's ICS must send
  {
    id: 'CP-FEED-001',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'Every message carries a unique message ID, and a retry of the same message reuses it, so nothing is stored twice.',
    source: dn('Matching and duplicates "were a real operational problem" (ContactPoint record: rules worth enforcing).'),
  },
  {
    id: 'CP-FEED-002',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      'No case information reaches ContactPoint: no case notes, reasons for involvement, assessments, medical data or exam results, in any field.',
    source: gn('2.2', 'It does not and will not hold any case information (for example, case notes, assessments, medical data or exam results).'),
  },
  {
    id: 'CP-FEED-003',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'Identifiers sent (NHS number, UPN, ULN) pass their check algorithms and are the ones the system holds for the child.',
    source: dn('Identifiers: NHS number modulus 11; UPN check letter; ULN modulus 11.'),
  },
  {
    id: 'CP-FEED-004',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'An involvement gives the contact details of the named practitioner or of a central team, as recorded in the system.',
    source: gn(
      '5.2',
      "the existence (although not the case details) of children's social care involvement and the practitioner or " +
        'central social work team number contact details will automatically upload to ContactPoint',
    ),
  },
  {
    id: 'CP-FEED-005',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'The system does not send involvements for a young person aged 18 or over on the message date.',
    source: gn('2.2', 'basic identifying information for each child in England up to their 18th birthday'),
  },
  {
    id: 'CP-FEED-006',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      "An involvement with a sensitive service (sexual health, mental health, substance misuse) states its basis: the young person's consent, or significant harm suspected.",
    source: dn("Sensitive services: involvement may be recorded only with the young person's consent or where significant harm is suspected."),
  },
  {
    id: 'CP-FEED-007',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: "When the child's details change in the system (e.g. a new address), the system sends the new values for the same source record.",
    source: dn('Superseded data: a source system must send the new value when its data changes.'),
  },
  {
    id: 'CP-FEED-008',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'When an involvement ends the system sends its end date; it never deletes the involvement, which stays visible for a year.',
    source: gn(
      '3.1',
      'the contact details for the department are still listed on ContactPoint (they will stay on for a year after the end of the involvement)',
    ),
  },
  {
    id: 'CP-FEED-009',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      "Recording a referral to children's social care (in another kind of source system, the start of its work with " +
      'the child: an enrolment, a clinic referral, an order) uploads the involvement automatically: exactly one ' +
      'involvement record per referral.',
    source: gn('5.2', 'When a child is referred to social care services and a referral is recorded ... will automatically upload to ContactPoint.'),
  },
  {
    id: 'CP-FEED-010',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      'Dates are the ones recorded and are consistent: start date as recorded, end date not before the start, date of birth not after the message date.',
    source: dn('ContactPoint record: involvements have start and end dates; date of birth.'),
  },
  {
    id: 'CP-FEED-011',
    level: 'SHOULD',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'The initial load of a whole caseload uses the bulk feed and every line is accepted.',
    source: gn('5.2', 'ContactPoint will be updated by limited information extracted from the ICS system'),
    noTestReason:
      "The initial load is a one-off exercise run against the live caseload under the authority's supervision; accreditation staff witness it.",
  },
  {
    id: 'CP-FEED-012',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'When a practitioner becomes or stops being the lead professional, the system sends the flag on that involvement.',
    source: gn(
      '3.1',
      'Hannah requests that Melanie should be her lead professional and the team agree. Melanie ensures that this is recorded on ContactPoint.',
    ),
  },
  {
    id: 'CP-FEED-013',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'The feed is one way: the system does not read ContactPoint back as if it held case records, nor update its case records from it.',
    source: gn('5.2', 'This will be a one-way process as ContactPoint will not update the case record systems.'),
  },
  {
    id: 'CP-FEED-014',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement: 'Every message the system sends to ContactPoint is well formed and valid against the interface specification (closed schemas).',
    source: gn('5.1', 'Only the specifications and requirements for ContactPoint and National eCAF will be the same nationally.'),
  },
  {
    id: 'CP-FEED-015',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      'The child is sent as the system holds them: former names with the name, "no known address" rather than an ' +
      'invented one, and each twin or sibling with their own identity, so ContactPoint can tell one child from another.',
    source: dn(
      'ContactPoint record (SI 2007/2182, Schedule 1): name, including former names; address: current, last known, ' +
        '"no known address"...; matching: mismatches and duplicates were a real operational problem.',
    ),
  },
  {
    id: 'CP-FEED-016',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      'Every child the system works with is sent up to their 18th birthday: a young person of 17 whose birthday is ' +
      "tomorrow is still sent, whatever age the system's own caseload runs to (Connexions serves young people to 19).",
    source: gn('2.2', 'basic identifying information for each child in England up to their 18th birthday'),
  },
  // ---- CAF indicator from a local eCAF module
  {
    id: 'CP-CAF-001',
    level: 'MUST',
    capability: 'local-ecaf',
    appliesTo: 'sut',
    statement:
      'When a CAF is logged or updated in the local eCAF module, the system notifies ContactPoint that a CAF exists, with the contact details of the practitioner who completed or updated it.',
    source: gn(
      '5.1',
      'when a CAF has been logged in an eCAF system (either national or local eCAF), it will automatically notify ' +
        'ContactPoint that a common assessment has been carried out, along with contact details for the practitioner ' +
        'who completed or updated it',
    ),
  },
  {
    id: 'CP-CAF-002',
    level: 'MUST',
    capability: 'local-ecaf',
    appliesTo: 'sut',
    statement: "The CAF indicator carries nothing of the assessment's content.",
    source: gn('5.1', 'There will be no access to the common assessment via ContactPoint.'),
  },
  {
    id: 'ECAF-OUT-001',
    level: 'MUST',
    capability: 'ecaf-transfer-out',
    appliesTo: 'sut',
    statement:
      'A single episode transferred into National eCAF is complete and faithful: child, consents, Team Around the Child, assessment, delivery plan and reviews as held locally.',
    source: gn('5.3', 'National eCAF will support the transfer of single episodes from accredited ICS systems.'),
  },
  {
    id: 'ECAF-OUT-002',
    level: 'MUST',
    capability: 'ecaf-transfer-out',
    appliesTo: 'sut',
    statement:
      'The system never transfers an episode without consent in force covering its Team Around the Child; it refuses locally and sends nothing.',
    source: gn(
      '2.2',
      'practitioners will need explicit consent from the child or young person who is the subject of the CAF (or their parent or carer where appropriate)',
    ),
  },
  {
    id: 'ECAF-IN-001',
    level: 'MUST',
    capability: 'ecaf-transfer-in',
    appliesTo: 'sut',
    statement: 'An episode exported by National eCAF is accepted into the local eCAF module and held faithfully.',
    source: gn(
      '5.3',
      'This would allow electronic exchange of episode data where a child moves between a local authority using National eCAF and a local authority using a local CAF system.',
    ),
  },
  {
    id: 'ECAF-IN-002',
    level: 'MUST',
    capability: 'ecaf-transfer-in',
    appliesTo: 'sut',
    statement: 'An episode that is malformed or has no consent in force is refused with a clear error, and nothing is stored.',
    source: gn('2.2', 'In order to gain access to CAF information held on National eCAF, practitioners will need explicit consent'),
  },
  {
    id: 'ECAF-IN-003',
    level: 'MUST',
    capability: 'ecaf-transfer-in',
    appliesTo: 'sut',
    statement: 'The same exported episode received twice is stored once.',
    source: dn('Matching and duplicates "were a real operational problem" (ContactPoint record: rules worth enforcing).'),
  },
  {
    id: 'ECAF-MIG-001',
    level: 'MUST',
    capability: 'migration-export',
    appliesTo: 'sut',
    statement: 'A migration export sends every local episode (open and closed) in the exchange format.',
    source: gn('5.3', 'ICS systems could export a batch of local eCAF episodes for import into National eCAF as part of a migration project.'),
  },
  {
    id: 'ECAF-MIG-002',
    level: 'MUST',
    capability: 'migration-export',
    appliesTo: 'sut',
    statement:
      'A migrated episode carries consent exactly as captured; consent is never invented, so episodes without it are held for manual capture.',
    source: gn('5.3', 'This will involve a level of manual intervention, including the capture of consent.'),
  },
  {
    id: 'ECAF-MIG-003',
    level: 'MUST',
    capability: 'migration-export',
    appliesTo: 'sut',
    statement: 'When consent is captured for a held episode, the system records it at National eCAF and releases the episode.',
    source: gn('5.3', 'This will involve a level of manual intervention, including the capture of consent.'),
  },
  {
    id: 'ECAF-SCHEMA-001',
    level: 'MUST',
    capability: 'ecaf-transfer-out',
    appliesTo: 'sut',
    statement: 'Every message the system sends to National eCAF is well formed and valid against the interface specification.',
    source: gn('5.3', 'National eCAF will support the transfer of single episodes from accredited ICS systems.'),
  },
  // ---- Security
  {
    id: 'SEC-AUTH-001',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement: "Every request to a national service carries the system's registered credentials, as configured (not hard-coded).",
    source: gn('5.1', 'These requirements have been defined to protect the security and integrity of ContactPoint and National eCAF'),
  },
  {
    id: 'SEC-AUTH-002',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement: 'The system calls only the operations it is accredited for.',
    source: gn('5.2', 'There will be no access from ContactPoint to case records contained in ICS.'),
  },
  {
    id: 'SEC-ISO-001',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement: 'The system neither reads nor changes records that another source system supplied.',
    source: dn('Source-system identifiers (UPN, NHS number) are visible only to the body that supplied them.'),
  },
  {
    id: 'SEC-SECRET-001',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement: 'Credentials travel only in the Authorization header: never in a URL, a query string or a message body.',
    source: gn('5.1', 'to protect the security and integrity of ContactPoint and National eCAF'),
  },
  {
    id: 'SEC-TLS-001',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement:
      'In production the system connects to the national services only over TLS, verifies their certificates, and keeps its credentials in protected storage.',
    source: gn(
      '5.1',
      'All ICS systems looking to integrate with ContactPoint and National eCAF will need to go through relevant system and data accreditation',
    ),
    noTestReason:
      'The harness talks plain HTTP on loopback and cannot see how a deployment stores its secrets: the vendor shows the configuration to accreditation staff.',
  },
  // ---- Resilience
  {
    id: 'RES-001',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement:
      'When a national service is unavailable (503, 429, timeout, dropped connection) the system retries and delivers each message exactly once, reusing its message ID.',
    source: dn('A message the service acknowledged is never lost; duplicates were a real operational problem.'),
  },
  {
    id: 'RES-002',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement: 'The system waits at least as long as a Retry-After header says before retrying.',
    source: dn('Fault injection per route: 503 with Retry-After, 429 (ContactPoint issue, control API).'),
  },
  {
    id: 'RES-003',
    level: 'SHOULD',
    capability: 'core',
    appliesTo: 'sut',
    statement: 'Without Retry-After the system backs off: each wait between retries is longer than the one before.',
    source: dn('Resilience: retry with backoff (conformance engine issue).'),
  },
  {
    id: 'RES-004',
    level: 'MUST',
    capability: 'core',
    appliesTo: 'sut',
    statement:
      'When a service stays unavailable the system gives up after a bounded number of attempts and reports the undelivered message, without losing it.',
    source: dn('Resilience: give up cleanly (conformance engine issue).'),
  },
  // ---- Hannah's story, end to end
  {
    id: 'STORY-001',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      "Practitioners looking a child up on ContactPoint find the system's involvement (active, or ended within the year) with whom to contact, and never case detail.",
    source: gn('3.1', 'Melanie looks on ContactPoint and sees that two other practitioner involvements are recorded for Hannah'),
  },
  {
    id: 'STORY-002',
    level: 'MUST',
    capability: 'contactpoint-feed',
    appliesTo: 'sut',
    statement:
      'On referral to social care from a CAF (stepping up) the system records the social-care involvement on ContactPoint alongside the CAF indicator; on stepping down it ends it.',
    source: gn('4.2', 'When a referral is made on National eCAF for a child to receive the support of a social worker, the CAF episode remains'),
  },
  // ---- The mock services' own rules (verified by this project's tests, not by suites): each service declares its own beside its rules
  ...CONTACTPOINT_REQUIREMENTS.map(serviceRequirement),
  // The control API's (the mock server's, not a national service's)
  ...[
    ['CTL-001', 'The control API creates isolated sessions with their own credentials.', 'test/contactpoint/security.test.ts'],
    ['CTL-002', 'The control API seeds and resets a session.', 'test/contactpoint/control.test.ts'],
    [
      'CTL-003',
      'The control API exposes the request journal with verdicts, pageable, long-pollable and exportable.',
      'test/contactpoint/control.test.ts',
    ],
    ['CTL-004', "The control API sets, moves and freezes a session's clock.", 'test/contactpoint/control.test.ts'],
    ['CTL-005', 'The control API injects faults per operation.', 'test/contactpoint/control.test.ts'],
    ['CTL-AUTH-001', 'The control API requires the control token.', 'test/contactpoint/security.test.ts'],
    ['DOC-001', 'The server publishes its OpenAPI document and human-readable docs.', 'test/contactpoint/openapi.test.ts'],
  ].map(([id, statement, test]): Requirement => ({
    id: id!,
    statement: statement!,
    level: 'MUST',
    capability: 'core',
    appliesTo: 'service',
    source: dn('Control API (ContactPoint issue, item 6).'),
    verifiedBy: [test!],
  })),
  ...ECAF_REQUIREMENTS.map(serviceRequirement),
];

const byId = new Map(REQUIREMENTS.map((r) => [r.id, r]));

export function requirement(id: string): Requirement | undefined {
  return byId.get(id);
}
