import type { Suite } from '../../src/harness/engine/types.js';
import { configuredCredentials } from './SEC-AUTH-001.configured-credentials.js';
import { ownRecordsOnly } from './SEC-ISO-001.own-records-only.js';
import { tlsAttestation } from './SEC-TLS-001.attestation.js';

export const securitySuite: Suite = {
  id: 'security',
  title: 'Security',
  description: "Credentials as configured, only permitted operations, no access to other systems' records, secrets kept out of URLs and bodies.",
  capability: 'core',
  tests: [configuredCredentials, ownRecordsOnly, tlsAttestation],
};
