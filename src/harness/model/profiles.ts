/**
 * Source-system profiles: what each kind of case-management system that feeds ContactPoint reports,
 * holds and does (guidance note 2.3 and Figure 1: ICS is one of many systems feeding ContactPoint;
 * 5.2: "as with other case management systems from other agencies, for example Connexions and Youth
 * Offending Teams"). One table, read by the suites: a scenario asks the statement's profile for its
 * service, identifiers and caseload instead of assuming children's social care.
 */
import { SENSITIVE_SERVICES, type ServiceType } from '../../../mocks/contactpoint/schemas.js';
import type { ChildIdentifiers } from '../../platform/schemas/common.js';
import type { Capability } from './result-types.js';
import { ConfigError } from './config-error.js';

import { SOURCE_SYSTEM_TYPES, type SourceSystemType } from './source-system-types.js';

export { SOURCE_SYSTEM_TYPES, type SourceSystemType };

export type IdentifierKind = keyof ChildIdentifiers;

/** How a practitioner's work starts and ends in the system, in its own words, and the driver API call each maps onto. */
export interface WorkCycle {
  starts: string;
  ends: string;
  /** recordInvolvement/endInvolvement, or the local eCAF module's episode calls (CAF indicators only). */
  driver: 'involvement' | 'caf-episode';
}

export interface SourceSystemProfile {
  type: SourceSystemType;
  title: string;
  /** Services the system may report to ContactPoint (empty: it reports CAF indicators only). */
  services: readonly ServiceType[];
  /** The service its everyday work records: what the feed scenarios record. */
  mainService?: ServiceType;
  /** Identifiers a system of this kind is expected to hold for the children it works with. */
  identifiers: readonly IdentifierKind[];
  /** Ages of the children and young people it works with (inclusive): Connexions serves young people to 19. */
  caseload: { minAge: number; maxAge: number };
  work: WorkCycle;
  /** Capabilities a system of this kind can declare ("core" is always included). */
  capabilities: readonly Capability[];
}

const FEED_ONLY: readonly Capability[] = ['contactpoint-feed'];
const LOCAL_ECAF: readonly Capability[] = ['local-ecaf', 'ecaf-transfer-out', 'ecaf-transfer-in', 'migration-export'];

export const PROFILES: Readonly<Record<SourceSystemType, SourceSystemProfile>> = {
  ics: {
    type: 'ics',
    title: "Integrated Children's System (children's social care)",
    services: ['childrens-social-care'],
    mainService: 'childrens-social-care',
    identifiers: ['nhsNumber'],
    caseload: { minAge: 0, maxAge: 17 },
    work: { starts: 'a referral to social care is recorded', ends: 'the case is closed', driver: 'involvement' },
    capabilities: [...FEED_ONLY, ...LOCAL_ECAF],
  },
  'local-ecaf': {
    type: 'local-ecaf',
    title: 'Local eCAF system',
    services: [],
    identifiers: ['nhsNumber'],
    caseload: { minAge: 0, maxAge: 17 },
    work: { starts: 'a CAF episode is logged', ends: 'the episode is closed', driver: 'caf-episode' },
    capabilities: LOCAL_ECAF,
  },
  education: {
    type: 'education',
    title: 'School or local-authority education system (MIS)',
    services: ['education', 'learning-mentor', 'education-welfare', 'early-years'],
    mainService: 'education',
    identifiers: ['upn'],
    caseload: { minAge: 3, maxAge: 18 },
    work: {
      starts: 'the pupil is enrolled (start date: the enrolment date)',
      ends: 'the pupil leaves (end date: the leaving date)',
      driver: 'involvement',
    },
    capabilities: FEED_ONLY,
  },
  health: {
    type: 'health',
    title: 'Child health or clinic system',
    services: ['health-visiting', 'school-nursing', 'general-practice', 'sexual-health', 'mental-health', 'substance-misuse'],
    mainService: 'school-nursing',
    identifiers: ['nhsNumber'],
    caseload: { minAge: 0, maxAge: 17 },
    work: { starts: 'a referral to the clinic is accepted', ends: 'the young person is discharged', driver: 'involvement' },
    capabilities: FEED_ONLY,
  },
  youth: {
    type: 'youth',
    title: 'Youth service system',
    services: ['youth-service', 'young-carers'],
    mainService: 'youth-service',
    identifiers: [],
    caseload: { minAge: 11, maxAge: 19 },
    work: { starts: 'the young person joins a project', ends: 'they leave it', driver: 'involvement' },
    capabilities: FEED_ONLY,
  },
  'youth-offending': {
    type: 'youth-offending',
    title: 'Youth offending team (YOT) system',
    services: ['youth-offending'],
    mainService: 'youth-offending',
    identifiers: [],
    caseload: { minAge: 10, maxAge: 17 },
    work: { starts: "an order or intervention starts (start date: the order's)", ends: 'the order ends', driver: 'involvement' },
    capabilities: FEED_ONLY,
  },
  connexions: {
    type: 'connexions',
    title: 'Connexions (information, advice and guidance) system',
    services: ['connexions'],
    mainService: 'connexions',
    identifiers: ['uln'],
    caseload: { minAge: 13, maxAge: 19 },
    work: { starts: 'a personal adviser takes the young person on', ends: 'the case is closed', driver: 'involvement' },
    capabilities: FEED_ONLY,
  },
  other: {
    type: 'other',
    title: 'Other case-management system (housing, young carers...)',
    services: ['housing', 'young-carers', 'youth-service'],
    mainService: 'housing',
    identifiers: [],
    caseload: { minAge: 0, maxAge: 17 },
    work: { starts: 'the service starts working with the child', ends: 'it stops', driver: 'involvement' },
    capabilities: [...FEED_ONLY, ...LOCAL_ECAF],
  },
};

/** "a health system", "an education system", "a system of another kind": a type's name in messages. */
export function aSystem(type: string): string {
  if (type === 'other') return 'a system of another kind';
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} system`;
}

export function isSourceSystemType(v: string): v is SourceSystemType {
  return (SOURCE_SYSTEM_TYPES as readonly string[]).includes(v);
}

export function profileFor(type: string): SourceSystemProfile {
  if (!isSourceSystemType(type))
    throw new ConfigError(`sourceSystemType: unknown type "${type}". Please provide one of ${SOURCE_SYSTEM_TYPES.map((x) => `"${x}"`).join(', ')}`);
  return PROFILES[type];
}

/** A sensitive service the profile may report (CP-FEED-006 applies to it), if any. */
export function sensitiveServiceOf(p: SourceSystemProfile): ServiceType | undefined {
  return p.services.find((s) => SENSITIVE_SERVICES.includes(s));
}

/** Capabilities a statement declares that its source-system type cannot have, with the fix. */
export function checkCapabilities(type: string, capabilities: readonly Capability[]): void {
  const p = profileFor(type);
  const bad = capabilities.filter((c) => c !== 'core' && !p.capabilities.includes(c));
  if (bad.length)
    throw new ConfigError(
      `capabilities: ${aSystem(type)} cannot declare ${bad.map((c) => `"${c}"`).join(', ')}; ${aSystem(type)} can ` +
        `declare ${p.capabilities.map((c) => `"${c}"`).join(', ')} (docs/source-systems.md#${type})`,
    );
}
