import type { CommandModule } from 'yargs';
import { VARIANTS, isVariant, type Variant } from '../../../reference-ics/variants.js';
import { withBundleOptions, type BundleArgs } from '../report-options.js';
import { SOURCE_SYSTEM_TYPES, type SourceSystemType } from '../../harness/model/source-system-types.js';
import { withSelectionOptions, selectionOf, type SelectionArgs } from '../selection-options.js';

interface Args extends BundleArgs, SelectionArgs {
  variant: string[];
  'source-system': SourceSystemType;
  'hard-children': boolean;
}

export const demoCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'demo',
  describe: 'Full demo accreditation run: mocks and the reference ICS in-process, every suite, reports and evidence bundle written',
  builder: (y) =>
    withSelectionOptions(withBundleOptions(y, 'reports/demo'))
      .option('variant', {
        type: 'array',
        string: true,
        default: [],
        choices: Object.keys(VARIANTS),
        describe: 'Run against a faulty variant of the reference ICS',
      })
      .option('source-system', {
        type: 'string',
        choices: SOURCE_SYSTEM_TYPES,
        default: 'ics',
        describe: 'Kind of source system the reference system plays (docs/source-systems.md)',
      })
      .option('hard-children', {
        type: 'boolean',
        default: false,
        describe: 'Also re-run every feed scenario over each kind of hard child; the per-kind table is in every report',
      })
      .example('$0 demo', 'Every suite against the reference ICS; exits 0')
      .example('$0 demo --hard-children', 'Every feed scenario again over each kind of hard child (twins, former names, a newborn...)')
      .example('$0 demo --source-system education', 'The reference system as a school information system: the suites that apply to one')
      .example('$0 demo --variant drops-end-date', 'See how a failure is reported (exits 1)')
      .example('$0 demo --suite security', 'One suite: a PARTIAL run (exit 2 when it passes)')
      .example(
        '$0 demo --sign-key keys/ics-signing-key.pem',
        'Sign the evidence bundle (then: $0 verify reports/demo --public-key keys/ics-signing-key.pub.pem)',
      ) as never,
  handler: async (args) => {
    const [
      { makeReporters, prepareBundle, writeBundle },
      { runDemo, referenceStatement },
      { applySelection, partialReason, partialSummary },
      { ALL_SUITES },
    ] = await Promise.all([
      import('../options.js'),
      import('../../harness/app/demo.js'),
      import('../../harness/engine/selection.js'),
      import('../../../suites/index.js'),
    ]);
    const wanted = selectionOf(args);
    const selection = wanted ? applySelection(referenceStatement(args['source-system']), ALL_SUITES, wanted) : undefined;
    const out = args.out ?? 'reports/demo';
    const signKey = await prepareBundle(args, out);
    const reporters = await makeReporters(args.reporter);
    const variants: Variant[] = args.variant.filter(isVariant);
    let result = await runDemo({
      variants,
      profile: args['source-system'],
      hardChildren: args['hard-children'],
      ...(selection ? { suites: selection.suites } : {}),
      onProgress: (e) => reporters.forEach((r) => r.onProgress?.(e)),
    });
    const partial = partialReason(selection, result.tests, []);
    if (partial) result = { ...result, summary: partialSummary(result.summary, partial) };
    await writeBundle(result, reporters, out, signKey);
    setExit(result.summary.exitCode);
  },
});
