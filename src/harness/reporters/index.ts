/** Loads the built-in reporters of ./registry.ts by name (a reporter's module loads only when picked). */
import type { Reporter, ReporterDefinition } from './types.js';
import { REPORTER_MODULES, REPORTER_NAMES, type ReporterName } from './registry.js';

const isName = (n: string): n is ReporterName => Object.hasOwn(REPORTER_MODULES, n);

/** A reporter's definition; an unknown name is a programming error (the CLI's choices and the console's list are the registry's names). */
export async function loadReporter(name: string): Promise<ReporterDefinition> {
  if (!isName(name)) throw new Error(`unknown reporter "${name}": one of ${REPORTER_NAMES.map((n) => `"${n}"`).join(', ')}`);
  return (await REPORTER_MODULES[name]()).reporter;
}

/** Every built-in reporter's definition, in the registry's order. */
export function allReporters(): Promise<ReporterDefinition[]> {
  return Promise.all(REPORTER_NAMES.map(loadReporter));
}

/** One reporter per distinct name (names come from the CLI's choices or the console's fixed list). */
export async function makeReporters(names: string[]): Promise<Reporter[]> {
  return Promise.all([...new Set(names)].map(async (n) => (await loadReporter(n)).create()));
}

export { REPORTER_NAMES, DEFAULT_REPORTERS, type ReporterName } from './registry.js';

export type { Reporter, ReporterDefinition };
