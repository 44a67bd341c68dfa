/**
 * Rules the mock National eCAF enforces on whoever calls it (appliesTo: 'service'). The table in
 * mocks/ecaf/requirements.md is generated from these (scripts/ecaf-requirements.mjs);
 * test/ecaf/requirements.test.ts fails while it is not current. The harness's catalogue
 * (src/harness/model/catalogue.ts) merges them, as every service's own requirements.
 */
import type { ServiceRequirement } from '../../src/platform/rules.js';

/** A rule's source as the catalogue states it: sections of the guidance note, or of the domain notes' CAF section ("DN"). */
const sourceText = (sections: string) =>
  sections.startsWith('DN')
    ? `Domain notes, CAF section ${sections.replace(/^DN/, '(DN)')}: a rule the mock National eCAF enforces`
    : `Guidance note ${sections} (a rule the mock National eCAF enforces; mocks/ecaf/requirements.md)`;

/**
 * id, statement, source (guidance-note sections, "DN" for the domain notes' CAF section, as the
 * requirements table shows it), and the files under test/ecaf/ that show it enforced. Every rule is a
 * MUST of the core service.
 */
const RULES: ReadonlyArray<readonly [id: string, statement: string, source: string, tests: readonly string[]]> = [
  [
    'ECAF-EPISODE-001',
    "A practitioner logs an episode with the child's identity (the ChildIdentity shape ContactPoint uses), their own contact and agency, and the consent given; they become its episode co-ordinator.",
    '2.2, 3.1',
    ['bad-input.test.ts', 'episodes.test.ts'],
  ],
  [
    'ECAF-EPISODE-002',
    'The child is born, and under 18 on the day an open episode is logged, transferred in, imported or updated.',
    '2.2; DN (form header)',
    ['episodes.test.ts'],
  ],
  [
    'ECAF-EPISODE-003',
    "A TAC member updates the child's details when they change (superseded data); the new identity reaches ContactPoint with the CAF indicator.",
    '5.1',
    ['episodes.test.ts'],
  ],
  [
    'ECAF-ASSESS-001',
    "The assessment records strengths and needs per element of the three CAF domains, each element from its own domain's list.",
    '2.2; DN (assessment domains and elements)',
    ['episodes.test.ts'],
  ],
  ['ECAF-ASSESS-002', 'Each element appears at most once and carries strengths, needs or both.', 'DN', ['episodes.test.ts']],
  ['ECAF-ASSESS-003', "The assessment's completion date is neither in the future nor before the child's birth.", 'DN', ['episodes.test.ts']],
  [
    'ECAF-PLAN-001',
    'A delivery plan action names the action, who carries it out (a current TAC member, or the child or someone in the family), by when, and the desired outcome.',
    '3.1; DN (delivery plan)',
    ['episodes.test.ts'],
  ],
  [
    'ECAF-PLAN-002',
    'Progress on an action is recorded by the TAC member responsible for it or by the lead professional (the co-ordinator while there is none).',
    '3.1 (“so that he can update his actions”)',
    ['episodes.test.ts', 'hannah.test.ts'],
  ],
  [
    'ECAF-REVIEW-001',
    "A review records its date, the people present, next steps, the next review date or a reason for closure, and the child's and parent's comments.",
    '3.1; DN (review)',
    ['episodes.test.ts'],
  ],
  ['ECAF-REVIEW-002', 'A review is not dated in the future, and the next review falls after it.', 'DN', ['episodes.test.ts']],
  [
    'ECAF-CONSENT-001',
    "An episode is logged only with consent (from the child, a parent or a carer) that shares it with the logging practitioner's agency.",
    '2.2, 3.1',
    ['consent-access.test.ts'],
  ],
  [
    'ECAF-CONSENT-002',
    'A practitioner joins the TAC (including a social worker on referral, and every member of an episode transferred in) only when consent in force covers their agency.',
    "2.2, 3.1 (“With Hannah's consent, Lee is given access”)",
    ['consent-access.test.ts', 'exchange.test.ts', 'hannah.test.ts', 'lifecycle.test.ts'],
  ],
  [
    'ECAF-CONSENT-003',
    'A practitioner reaches an episode only while consent in force covers their agency; withdrawn consent removes access at once (403).',
    '2.2; DN (consent can be withdrawn)',
    ['consent-access.test.ts', 'lifecycle.test.ts'],
  ],
  [
    'ECAF-CONSENT-004',
    'Consent records who gave it and when (not in the future), what may be shared with which agencies (each agency once), and its withdrawal (once, not before it was given).',
    '2.2; DN (consent)',
    ['consent-access.test.ts'],
  ],
  [
    'ECAF-CONSENT-005',
    'An agency sees and changes only the parts of the CAF (assessment, delivery plan, reviews) that consent shares with it; the rest is withheld.',
    'DN (“records what may be shared with which agencies”)',
    ['consent-access.test.ts'],
  ],
  [
    'ECAF-ACCESS-001',
    'Only current members of the Team Around the Child see or change an episode.',
    '2.2, 4.1',
    ['consent-access.test.ts', 'exchange.test.ts', 'hannah.test.ts', 'lifecycle.test.ts'],
  ],
  [
    'ECAF-AUDIT-001',
    'Every access to an episode or held episode, granted or refused, is audited with the client, the practitioner, the operation and, for a refusal, the rule.',
    '2.2 (“securely”); DN (audit)',
    ['consent-access.test.ts'],
  ],
  [
    'ECAF-TAC-001',
    "A practitioner is on an episode's TAC once, and an episode has at most one episode co-ordinator.",
    '3.1, 4.3',
    ['consent-access.test.ts', 'exchange.test.ts'],
  ],
  [
    'ECAF-TAC-002',
    "The social-worker and social-care-representative roles are filled from children's social care.",
    '4.2',
    ['consent-access.test.ts'],
  ],
  [
    'ECAF-TAC-003',
    'The lead professional is a current TAC member; neither the lead professional nor the last member can leave.',
    '3.1',
    ['consent-access.test.ts', 'exchange.test.ts'],
  ],
  ['ECAF-TAC-004', "A member's contact details carry no case information: they are what ContactPoint shows.", '2.2, 5.1', ['consent-access.test.ts']],
  [
    'ECAF-TAC-005',
    'Members leave the TAC themselves or are removed by the lead professional (the co-ordinator while there is none); former members lose access.',
    '3.1',
    ['consent-access.test.ts'],
  ],
  [
    'ECAF-MSG-001',
    'Messages about an episode go only between current TAC members whose agencies consent covers; each member reads only those sent to or by them.',
    '4.1 (Fig 4: “send a message relating to an episode to other members of the TAC”)',
    ['consent-access.test.ts'],
  ],
  ['ECAF-LIFE-001', 'Changes need an open episode; closing a closed episode is refused (409).', '4.2, 4.3', ['hannah.test.ts', 'lifecycle.test.ts']],
  [
    'ECAF-LIFE-002',
    'An episode closes with a reason (needs met, family disengaged, moved to another authority, transfer to alternative holistic assessment); the last only after a referral to social care.',
    '4.2; DN (closure reasons)',
    ['lifecycle.test.ts'],
  ],
  [
    'ECAF-LIFE-003',
    'National eCAF never closes an episode by itself, not even when a review recommends closure.',
    '4.3 (footnote 7)',
    ['lifecycle.test.ts'],
  ],
  ['ECAF-LIFE-004', 'A closed episode can be reopened; an open one cannot.', '4.3', ['lifecycle.test.ts']],
  [
    'ECAF-STEP-001',
    'A referral to social care ("stepping up") keeps the episode open and adds a social worker, or a social-care representative until one is allocated, to the TAC.',
    '4.2',
    ['lifecycle.test.ts'],
  ],
  [
    'ECAF-STEP-002',
    'After a referral, the episode is either closed with "transfer to alternative holistic assessment" or stays ' +
      "open marked (in free text) as social care's responsibility; only a social-care member of the TAC marks it.",
    '4.2',
    ['hannah.test.ts', 'lifecycle.test.ts'],
  ],
  [
    'ECAF-STEP-003',
    'Stepping down: a social-care member hands the open episode back to a lead professional (social care may leave the TAC), or a closed episode is reopened.',
    '4.3',
    ['lifecycle.test.ts'],
  ],
  [
    'ECAF-REPORT-001',
    'A management report lists the open episodes whose current open period is longer than a given number of days, with no child details or CAF content.',
    '4.3 (footnote 7)',
    ['lifecycle.test.ts'],
  ],
  [
    'ECAF-EXCH-001',
    'An accredited local eCAF system transfers a single episode into National eCAF; refused without consent in force covering its TAC; a retry reuses the message ID and gets the original answer.',
    '5.3',
    ['exchange.test.ts'],
  ],
  [
    'ECAF-EXCH-002',
    'National eCAF exports a single episode to a local CAF system in the exchange format, only while consent is in force.',
    '5.3',
    ['exchange.test.ts'],
  ],
  [
    'ECAF-EXCH-003',
    'A migration batch is judged episode by episode, with a result for each; an episode without consent covering its TAC is held for manual consent capture, not imported.',
    '5.3',
    ['exchange.test.ts'],
  ],
  [
    'ECAF-EXCH-004',
    'A held episode is released (imported) only once consent in force covers its TAC; a system sees and releases only its own held episodes.',
    '5.3 (“including the capture of consent”)',
    ['exchange.test.ts'],
  ],
  [
    'ECAF-EXCH-005',
    'An exchanged episode is consistent: its lead professional, assessor and progress authors are TAC members, ' +
      'its dates are in order, a closed episode carries its closure, and each local reference is received once per system.',
    '5.3',
    ['exchange.test.ts'],
  ],
  [
    'ECAF-CPIND-001',
    'When an episode is logged or updated, National eCAF tells ContactPoint, in the same transaction, that a CAF ' +
      'exists, its status, and the contact details of the practitioner who completed or last updated the assessment: ' +
      'nothing of its content.',
    '2.2, 5.1',
    ['exchange.test.ts', 'lifecycle.test.ts'],
  ],
  [
    'ECAF-CPIND-002',
    "A local eCAF system's own CAF indicator and National eCAF's land on one ContactPoint record for the child (matched by identifiers).",
    '5.1',
    ['exchange.test.ts'],
  ],
];

export const ECAF_REQUIREMENTS: readonly ServiceRequirement[] = RULES.map(([id, statement, source, tests]) => ({
  id,
  statement,
  source: { domainNotes: sourceText(source) },
  verifiedBy: tests.map((t) => `test/ecaf/${t}`),
}));

const GENERATED_START = '<!-- generated from mocks/ecaf/requirements.ts by scripts/ecaf-requirements.mjs: do not edit -->';
const GENERATED_END = '<!-- end of generated table -->';
const cell = (text: string) => text.replace(/\|/g, '\\|');

/** mocks/ecaf/requirements.md with its table regenerated from RULES (the prose around it is kept as written). */
export function ecafRequirementsMarkdown(current: string): string {
  const start = current.indexOf(GENERATED_START);
  const end = current.indexOf(GENERATED_END);
  if (start < 0 || end < start) throw new Error(`mocks/ecaf/requirements.md has no "${GENERATED_START}" ... "${GENERATED_END}" markers`);
  const table = [
    '| ID | Requirement | Source |',
    '|----|-------------|--------|',
    ...RULES.map(([id, statement, source]) => `| ${id} | ${cell(statement)} | ${cell(source)} |`),
  ];
  return `${current.slice(0, start)}${GENERATED_START}\n${table.join('\n')}\n${current.slice(end)}`;
}
