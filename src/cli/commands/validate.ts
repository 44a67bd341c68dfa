import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import type { Statement } from '../../harness/model/statement.js';
import { withReportOptions, type ReportArgs } from '../report-options.js';

interface Args extends ReportArgs {
  capture: string;
  client: string;
  config: string;
}

export const validateCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'validate <capture>',
  describe: 'Judge recorded traffic offline: a journal export (NDJSON) or a HAR file',
  builder: (y) =>
    withReportOptions(y, 'reports/validate-<time>')
      .positional('capture', { type: 'string', demandOption: true, describe: 'journal.ndjson (GET .../journal?format=ndjson) or a .har file' })
      .option('client', { type: 'string', default: 'ics', describe: 'In a journal export, the client ID of the system under test' })
      .option('config', { type: 'string', default: 'ics-conformance.yml', describe: 'Conformance statement (optional here)' })
      .example('$0 validate session.journal.ndjson', '')
      .example('$0 validate proxy-capture.har --reporter console', '') as never,
  handler: async (args) => {
    const [{ judgeCapture, loadCapture }, { loadStatement }, { makeReporters, writeReports }] = await Promise.all([
      import('../../harness/app/offline.js'),
      import('../../harness/model/statement.js'),
      import('../options.js'),
    ]);
    const statement: Statement = existsSync(args.config)
      ? loadStatement(args.config)
      : { vendor: 'unknown', product: 'captured system', version: 'unknown', sourceSystemType: 'ics', capabilities: ['contactpoint-feed'] };
    const { format, entries } = await loadCapture(args.capture);
    const result = judgeCapture(entries, { statement, client: args.client, source: args.capture, format });
    const reporters = await makeReporters(args.reporter);
    for (const t of result.tests) reporters.forEach((r) => r.onProgress?.({ type: 'test-end', result: t }));
    const out = args.out ?? `reports/validate-${result.run.startedAt.replace(/[:.]/g, '-')}`;
    const files = await writeReports(result, reporters, out);
    if (files.length) console.log(`Reports in ${out}/: ${files.join(', ')}`);
    setExit(result.summary.exitCode);
  },
});
