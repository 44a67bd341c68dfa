/**
 * --only, --grep and --suite, shared by `run` and `demo` (decision 0051). Light: builders run for
 * every command line; the selection itself is src/harness/engine/selection.ts, imported when a handler runs.
 */
import type { Argv } from 'yargs';

export interface SelectionArgs {
  only?: string[];
  grep?: string;
  suite?: string[];
}

export function withSelectionOptions<T>(y: Argv<T>) {
  return y
    .option('only', {
      type: 'array',
      string: true,
      describe: 'Run only these tests: test IDs or requirement IDs (several allowed). The run is then PARTIAL, never a full PASS',
    })
    .option('grep', {
      type: 'string',
      describe: 'Run only the tests whose ID or title matches this regular expression (case-insensitive). PARTIAL, as --only',
    })
    .option('suite', { type: 'array', string: true, describe: 'Run only these suites (see `list`). PARTIAL, as --only' });
}

/** The selection flags as the engine takes them (undefined: none given, a full run). */
export function selectionOf(args: SelectionArgs): { only?: string[]; grep?: string; suite?: string[] } | undefined {
  const sel = {
    ...(args.only?.length ? { only: args.only.map(String) } : {}),
    ...(args.grep !== undefined ? { grep: String(args.grep) } : {}),
    ...(args.suite?.length ? { suite: args.suite.map(String) } : {}),
  };
  return Object.keys(sel).length ? sel : undefined;
}
