/**
 * A module hook: `import x from "./file.json"` without `with { type: 'json' }`, as bundlers allow and
 * GitHub's workflow parser writes it, loads the JSON as a module's default export.
 */
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.json') && context.importAttributes?.type !== 'json')
    return { format: 'module', source: `export default ${await readFile(new URL(url), 'utf8')};`, shortCircuit: true };
  return nextLoad(url, context);
}
