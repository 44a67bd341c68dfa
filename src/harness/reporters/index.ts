/** The built-in reporters; --reporter choices are their names (./names.ts, which the CLI reads without loading them). */
import type { Reporter } from './types.js';
import type { ReporterName } from './names.js';
import { consoleReporter } from './console.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { htmlReporter } from './html.js';

/** Keyed by every name in REPORTER_NAMES, no more and no fewer (the type checks it). */
const FACTORIES: Record<ReporterName, () => Reporter> = {
  console: () => consoleReporter(),
  json: () => jsonReporter(),
  junit: () => junitReporter(),
  markdown: () => markdownReporter(),
  html: () => htmlReporter(),
};

export const REPORTERS: Record<string, () => Reporter> = FACTORIES;

/** One reporter per distinct name (names come from the CLI's choices or the console's fixed list). */
export function makeReporters(names: string[]): Reporter[] {
  return [...new Set(names)].map((n) => REPORTERS[n]!());
}

export { REPORTER_NAMES, DEFAULT_REPORTERS, type ReporterName } from './names.js';

export type { Reporter };
