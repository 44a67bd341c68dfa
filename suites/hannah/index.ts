import type { Suite } from '../../src/harness/engine/types.js';
import { hannahsStory } from './STORY-001.hannahs-story.js';

export const hannahSuite: Suite = {
  id: 'hannah',
  title: "Hannah's story, end to end",
  description: "The guidance note's case study with the system under test as the ICS of the borough where Hannah lives.",
  capability: 'contactpoint-feed',
  tests: [hannahsStory],
};
