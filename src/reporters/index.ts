/** The built-in reporters; --reporter choices are this map's keys. */
import type { Reporter } from './types.js';
import { consoleReporter } from './console.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { htmlReporter } from './html.js';

export const REPORTERS: Record<string, () => Reporter> = {
  console: () => consoleReporter(),
  json: () => jsonReporter(),
  junit: () => junitReporter(),
  markdown: () => markdownReporter(),
  html: () => htmlReporter(),
};

/** Every reporter: a run directory is the complete evidence bundle by default. */
export const DEFAULT_REPORTERS = Object.keys(REPORTERS);

export type { Reporter };
