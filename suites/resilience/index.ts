import type { Suite } from '../../src/harness/engine/types.js';
import { retryAfter503, retryAfter429 } from './RES-001.retry-after-503.js';
import { lostAcknowledgement } from './RES-001.lost-acknowledgement.js';
import { timeout } from './RES-001.timeout.js';
import { backoff } from './RES-003.backoff.js';
import { giveUp } from './RES-004.give-up.js';

export const resilienceSuite: Suite = {
  id: 'resilience',
  title: 'Resilience',
  description:
    'ContactPoint injects 503 with Retry-After, 429, timeouts, dropped connections and lasting outages: the ' +
    'system must retry with backoff, respect Retry-After, deliver exactly once and give up cleanly.',
  capability: 'contactpoint-feed',
  tests: [retryAfter503, retryAfter429, lostAcknowledgement, timeout, backoff, giveUp],
};
