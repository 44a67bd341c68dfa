/** ContactPoint as the platform sees it (src/platform/service.ts): the mock server adds its routes. */
import type { Preparer } from '../../src/platform/offload.js';
import type { ServiceDescriptor } from '../../src/platform/service.js';
import { CONTACTPOINT_FORMATS } from './cpid.js';
import { cafIndicatorPreparer, involvementPreparer } from './preparers.js';
import { CONTACTPOINT_ERRORS, CONTACTPOINT_REQUIREMENTS, CONTACTPOINT_RULES } from './rules.js';

export const CONTACTPOINT_SERVICE = {
  name: 'contactpoint',
  description: 'ContactPoint: involvement feed, CAF indicator, lookups.',
  permissions: {
    'feed:write': 'Send involvement messages (single and bulk) to ContactPoint.',
    'feed:read': 'Read back your own source records from ContactPoint.',
    'caf-indicator:write': 'Send CAF indicator updates to ContactPoint (accredited eCAF systems).',
    lookup: 'Search and read ContactPoint records as a practitioner.',
    'lookup:sensitive': "See sensitive services' involvements (sexual health, mental health, substance misuse).",
    shield: "Shield or unshield a child's record (local authority).",
  },
  formats: CONTACTPOINT_FORMATS,
  // Every lookup is audited against the practitioner who made it.
  practitionerRequirement: 'CP-LOOKUP-006',
  errors: CONTACTPOINT_ERRORS,
  rules: CONTACTPOINT_RULES,
  requirements: CONTACTPOINT_REQUIREMENTS,
  preparers: [involvementPreparer, cafIndicatorPreparer] as Array<Preparer<never, unknown>>,
} as const satisfies ServiceDescriptor;
