/** The run's result model: one versioned shape that every reporter reads. */
import type { Static } from '../../platform/schema.js';
import type { Status } from './result-types.js';
import type { RequirementResultSchema, RunResultCoreSchema, RunSummarySchema, WaiverResultSchema } from './result-schema.js';

export const RESULT_SCHEMA_VERSION = '1.0.0';

/** The result model's file in a run directory: the json reporter writes it, the evidence bundle always. */
export const RESULTS_FILE = 'results.json';

/** The static types of the result schema (./result-schema.ts, their single source). */
export type RequirementResult = Static<typeof RequirementResultSchema>;
export type WaiverResult = Static<typeof WaiverResultSchema>;
export type RunSummary = Static<typeof RunSummarySchema>;
export type RunResult = Static<typeof RunResultCoreSchema>;

export type { Status };
