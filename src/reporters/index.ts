/** The built-in reporters; --reporter choices are this map's keys. */
import type { Reporter } from './types.js';
import { consoleReporter } from './console.js';
import { jsonReporter } from './json.js';

export const REPORTERS: Record<string, () => Reporter> = {
  console: () => consoleReporter(),
  json: () => jsonReporter(),
};

export const DEFAULT_REPORTERS = Object.keys(REPORTERS);

export type { Reporter };
