/** National eCAF as the platform sees it (src/platform/service.ts): the mock server adds its routes. */
import type { ServiceDescriptor } from '../../src/platform/service.js';
import { ECAF_ERRORS, ECAF_RULES } from './rules.js';
import { ECAF_REQUIREMENTS } from './requirements.js';

export const ECAF_SERVICE = {
  name: 'ecaf',
  description: 'National eCAF: episodes, consent, TAC, exchange with local systems.',
  permissions: {
    'ecaf:practitioner': 'Use National eCAF as a practitioner (episodes, consent, TAC, messages).',
    'ecaf:exchange': 'Transfer episodes in and out of National eCAF, and batch migration (accredited local eCAF systems).',
    'ecaf:reports': 'Run National eCAF management reports.',
  },
  formats: {},
  // Every access to an episode is audited against the practitioner who made it.
  practitionerRequirement: 'ECAF-AUDIT-001',
  errors: ECAF_ERRORS,
  rules: ECAF_RULES,
  requirements: ECAF_REQUIREMENTS,
  preparers: [],
} as const satisfies ServiceDescriptor;
