import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reporter } from './types.js';

/** The full result model (results.json), versioned by schemaVersion. */
export function jsonReporter(): Reporter {
  return {
    name: 'json',
    async write(result, outDir) {
      await writeFile(join(outDir, 'results.json'), JSON.stringify(result, null, 2) + '\n');
      return ['results.json'];
    },
  };
}
