/** The built-in reporters' names, apart from their code: the CLI declares --reporter with these without loading it. */
export const REPORTER_NAMES = ['console', 'json', 'junit', 'markdown', 'html'] as const;

export type ReporterName = (typeof REPORTER_NAMES)[number];

/** Every reporter: a run directory is the complete evidence bundle by default. */
export const DEFAULT_REPORTERS: string[] = [...REPORTER_NAMES];
