/** The kinds of source system that feed ContactPoint (no imports: the CLI reads it for its choices at start-up). */
export const SOURCE_SYSTEM_TYPES = ['ics', 'local-ecaf', 'education', 'health', 'youth', 'youth-offending', 'connexions', 'other'] as const;
export type SourceSystemType = (typeof SOURCE_SYSTEM_TYPES)[number];
