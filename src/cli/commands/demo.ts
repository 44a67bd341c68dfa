import type { CommandModule } from 'yargs';
import { VARIANTS, isVariant, type Variant } from '../../../reference-ics/variants.js';
import { withBundleOptions, type BundleArgs } from '../report-options.js';

interface Args extends BundleArgs {
  variant: string[];
}

export const demoCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'demo',
  describe: 'Full demo accreditation run: mocks and the reference ICS in-process, every suite, reports and evidence bundle written',
  builder: (y) =>
    withBundleOptions(y, 'reports/demo')
      .option('variant', { type: 'array', string: true, default: [], choices: Object.keys(VARIANTS), describe: 'Run against a faulty variant of the reference ICS' })
      .example('$0 demo', 'Every suite against the reference ICS; exits 0')
      .example('$0 demo --variant drops-end-date', 'See how a failure is reported (exits 1)')
      .example('$0 demo --sign-key keys/ics-signing-key.pem', 'Sign the evidence bundle (then: $0 verify reports/demo --public-key keys/ics-signing-key.pub.pem)') as never,
  handler: async (args) => {
    const [{ makeReporters, prepareBundle, writeBundle }, { runDemo }] = await Promise.all([import('../options.js'), import('../../engine/demo.js')]);
    const out = args.out ?? 'reports/demo';
    const signKey = await prepareBundle(args, out);
    const reporters = makeReporters(args.reporter);
    const variants = args.variant.filter(isVariant) as Variant[];
    const result = await runDemo({ variants, onProgress: (e) => reporters.forEach((r) => r.onProgress?.(e)) });
    await writeBundle(result, reporters, out, signKey);
    setExit(result.summary.exitCode);
  },
});
