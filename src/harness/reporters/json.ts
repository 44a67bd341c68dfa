import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_FILE } from '../model/result.js';
import type { Reporter, ReporterDefinition } from './types.js';

/** The full result model (results.json), versioned by schemaVersion. */
export function jsonReporter(): Reporter {
  return {
    name: 'json',
    async write(result, outDir) {
      await writeFile(join(outDir, RESULTS_FILE), JSON.stringify(result, null, 2) + '\n');
      return [RESULTS_FILE];
    },
  };
}

// No render: the bundle writes results.json itself and checks it against the manifest and the journal.
export const reporter: ReporterDefinition = { name: 'json', files: [{ path: RESULTS_FILE }], create: jsonReporter };
