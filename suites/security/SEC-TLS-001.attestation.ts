import type { TestDef } from '../../src/harness/engine/types.js';

export const tlsAttestation: TestDef = {
  id: 'SEC-TLS-001.attestation',
  title: 'Production transport security and credential storage (attested)',
  requirements: ['SEC-TLS-001'],
  async run(t) {
    t.step(
      'Show the accreditation officer the production configuration: TLS to the national services, certificate verification, where the credentials are stored.',
    );
    await t.attest(
      'SEC-TLS-001',
      'Does the system use TLS with certificate verification for ContactPoint and National eCAF in production, and keep its credentials in protected storage?',
    );
  },
};
