import type { CommandModule } from 'yargs';
import { runDemo } from '../../engine/demo.js';
import { VARIANTS, isVariant, type Variant } from '../../../reference-ics/variants.js';
import { makeReporters, withReportOptions, writeReports, type ReportArgs } from '../options.js';

interface Args extends ReportArgs {
  variant: string[];
}

export const demoCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'demo',
  describe: 'Full demo accreditation run: mocks and the reference ICS in-process, every suite, reports written',
  builder: (y) =>
    withReportOptions(y, 'reports/demo')
      .option('variant', { type: 'array', string: true, default: [], choices: Object.keys(VARIANTS), describe: 'Run against a faulty variant of the reference ICS' })
      .example('$0 demo', 'Every suite against the reference ICS; exits 0')
      .example('$0 demo --variant drops-end-date', 'See how a failure is reported (exits 1)') as never,
  handler: async (args) => {
    const reporters = makeReporters(args.reporter);
    const variants = args.variant.filter(isVariant) as Variant[];
    const result = await runDemo({ variants, onProgress: (e) => reporters.forEach((r) => r.onProgress?.(e)) });
    const out = args.out ?? 'reports/demo';
    const files = await writeReports(result, reporters, out);
    if (files.length) console.log(`Reports in ${out}/: ${files.join(', ')}`);
    setExit(result.summary.exitCode);
  },
});
