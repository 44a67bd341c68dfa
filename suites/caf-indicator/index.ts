import type { Suite } from '../../src/harness/engine/types.js';
import { indicatorOnLog } from './CP-CAF-001.indicator-on-log.js';
import { indicatorOnUpdate } from './CP-CAF-001.indicator-on-update.js';

export const cafIndicatorSuite: Suite = {
  id: 'caf-indicator',
  title: 'CAF indicator from a local eCAF module',
  description: 'When a CAF is logged or updated locally, ContactPoint learns that it exists and whom to contact, never its content.',
  capability: 'local-ecaf',
  tests: [indicatorOnLog, indicatorOnUpdate],
};
