import type { Suite } from '../../src/harness/engine/types.js';
import { transferComplete } from './ECAF-OUT-001.transfer-complete.js';
import { noConsentNoTransfer } from './ECAF-OUT-002.no-consent-no-transfer.js';
import { receiveTransfer, refuseBadTransfer } from './ECAF-IN.receive-transfer.js';
import { migration } from './ECAF-MIG.migration.js';

export const ecafExchangeSuite: Suite = {
  id: 'ecaf-exchange',
  title: 'Exchange with National eCAF',
  description: 'Single-episode transfer out and in, and migration export with consent capture, always with consent in force.',
  capability: 'ecaf-transfer-out',
  tests: [
    transferComplete,
    noConsentNoTransfer,
    { ...receiveTransfer, capability: 'ecaf-transfer-in' },
    { ...refuseBadTransfer, capability: 'ecaf-transfer-in' },
    { ...migration, capability: 'migration-export' },
  ],
};
