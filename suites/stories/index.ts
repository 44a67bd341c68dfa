import type { Suite } from '../../src/harness/engine/types.js';
import { ownStory } from './STORY-003.own-story.js';

export const storiesSuite: Suite = {
  id: 'source-system-stories',
  title: "Each kind of source system's own story",
  description:
    'A school, a clinic, a YOT, Connexions, a youth service...: its work starting, a change to the child and its ' +
    'work ending, as that kind of system does them, judged by the feed requirements each step shows.',
  capability: 'contactpoint-feed',
  tests: [ownStory],
};
