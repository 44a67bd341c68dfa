/**
 * The built-in reporters, one line each: name -> its module, loaded only when a run picks it. The CLI
 * declares --reporter from these names without loading any reporter's code (--help stays fast), and
 * the evidence bundle reads each module's declared files from here.
 */
import type { ReporterDefinition } from './types.js';

export const REPORTER_MODULES = {
  console: () => import('./console.js'),
  json: () => import('./json.js'),
  junit: () => import('./junit.js'),
  markdown: () => import('./markdown.js'),
  html: () => import('./html.js'),
} satisfies Record<string, () => Promise<{ reporter: ReporterDefinition }>>;

export type ReporterName = keyof typeof REPORTER_MODULES;

export const REPORTER_NAMES = Object.keys(REPORTER_MODULES) as ReporterName[];

/** Every reporter: a run directory is the complete evidence bundle by default. */
export const DEFAULT_REPORTERS: string[] = [...REPORTER_NAMES];
