/** Every conformance suite, in run order. */
import type { Suite } from '../src/harness/engine/types.js';
import { contactPointFeedSuite } from './contactpoint-feed/index.js';
import { securitySuite } from './security/index.js';
import { resilienceSuite } from './resilience/index.js';
import { cafIndicatorSuite } from './caf-indicator/index.js';
import { ecafExchangeSuite } from './ecaf-exchange/index.js';
import { hannahSuite } from './hannah/index.js';
import { storiesSuite } from './stories/index.js';

export const ALL_SUITES: Suite[] = [
  contactPointFeedSuite,
  cafIndicatorSuite,
  ecafExchangeSuite,
  securitySuite,
  resilienceSuite,
  hannahSuite,
  storiesSuite,
];
