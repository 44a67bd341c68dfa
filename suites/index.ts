/** Every conformance suite, in run order. */
import type { Suite } from '../src/engine/types.js';
import { contactPointFeedSuite } from './contactpoint-feed/index.js';
import { securitySuite } from './security/index.js';
import { resilienceSuite } from './resilience/index.js';

export const ALL_SUITES: Suite[] = [contactPointFeedSuite, securitySuite, resilienceSuite];
