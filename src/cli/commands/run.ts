import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../engine/config-error.js';
import type { Statement } from '../../engine/statement.js';
import type { RunningServer } from '../../server.js';
import { withBundleOptions, type BundleArgs } from '../report-options.js';

interface Args extends BundleArgs {
  sut?: string;
  config: string;
  interactive: boolean;
  'mock-url'?: string;
  'control-token'?: string;
  'mock-host': string;
  'mock-port': number;
  'public-url'?: string;
}

export const runCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'run',
  describe: 'Accreditation run against your system (driver API, or --interactive for a witnessed session)',
  builder: (y) =>
    withBundleOptions(y, 'reports/run-<time>')
      .option('sut', { type: 'string', describe: 'Driver API base URL of the system under test (or $ICS_SUT_URL, or sut.driverUrl)' })
      .option('config', { type: 'string', default: 'ics-conformance.yml', describe: 'Conformance statement (write one with `init`)' })
      .option('interactive', { type: 'boolean', default: false, describe: 'A tester performs each step in the ICS; attestations are asked' })
      .option('mock-url', { type: 'string', describe: 'Use a running `serve` instance (or $ICS_MOCK_URL); default: start the mocks in-process' })
      .option('control-token', { type: 'string', describe: 'Its control token (or $ICS_CONTROL_TOKEN)' })
      .option('mock-host', { type: 'string', default: '127.0.0.1', describe: 'Interface for in-process mocks' })
      .option('mock-port', { type: 'number', default: 0, describe: 'Port for in-process mocks (0 = any)' })
      .option('public-url', { type: 'string', describe: 'The mocks\' URL as your system reaches them' })
      .option('hard-children', { type: 'boolean', default: false, describe: 'Also re-run every feed scenario over each kind of hard child (docs/source-systems.md#hard-children); the per-kind table is in every report' })
      .example('$0 run --sut http://127.0.0.1:8080 --hard-children', 'Every feed scenario again with twins, former names, a newborn, no identifier...')
      .example('$0 run --sut http://127.0.0.1:8080 --config ics-conformance.yml', 'Automated run (CI)')
      .example('$0 run --sut http://127.0.0.1:8080 --out reports/accreditation --sign-key keys/ics-signing-key.pem', 'Signed evidence bundle')
      .example('$0 run --interactive --mock-host 0.0.0.0 --mock-port 4010 --public-url http://harness.example:4010', 'Witnessed session') as never,
  handler: async (args) => {
    if (!existsSync(args.config)) throw Object.assign(new ConfigError(`no conformance statement at ${args.config}: write one with \`ics-conformance init\``), { exitCode: 2 });
    const [{ loadStatement, fromEnv }, { makeReporters, prepareBundle, writeBundle }] = await Promise.all([import('../../engine/statement.js'), import('../options.js')]);
    const statement: Statement = loadStatement(args.config);
    const env = fromEnv(process.env);
    const driverUrl = args.sut ?? env.driverUrl ?? statement.sut?.driverUrl;
    if (!driverUrl && !args.interactive) throw new ConfigError('no system under test: give --sut, $ICS_SUT_URL or sut.driverUrl (or --interactive)');
    const mockUrl = args['mock-url'] ?? env.mockUrl ?? statement.mocks?.url;
    const controlToken = args['control-token'] ?? env.controlToken ?? statement.mocks?.controlToken;
    if (mockUrl && !controlToken) throw new ConfigError('--mock-url needs the server\'s control token (--control-token or $ICS_CONTROL_TOKEN)');
    const signKey = await prepareBundle(args, args.out);
    const [{ HttpDriver }, { InteractiveDriver, terminalPrompter }, { MockClient }, { runSuites }, { startServer }, { ALL_SUITES }, { withHardChildren }] = await Promise.all([
      import('../../engine/driver.js'),
      import('../../engine/interactive.js'),
      import('../../engine/mock-client.js'),
      import('../../engine/runner.js'),
      import('../../server.js'),
      import('../../../suites/index.js'),
      import('../../../suites/hard-children.js'),
    ]);
    let local: RunningServer | undefined;
    let base = mockUrl;
    let token = controlToken;
    if (!base) {
      token = `ctl_${randomBytes(12).toString('hex')}`;
      local = await startServer({ port: args['mock-port'] ?? statement.mocks?.port ?? 0, host: args['mock-host'] ?? statement.mocks?.host, controlToken: token });
      base = local.url;
    }
    const publicUrl = args['public-url'] ?? statement.mocks?.publicUrl ?? base;
    const reporters = makeReporters(args.reporter);
    const prompter = args.interactive ? terminalPrompter() : undefined;
    // SIGINT/SIGTERM end the run early, not the process: the tests not run end ERROR, the verdict is
    // incomplete (exit 3), and the bundle is written. A second signal finds no handler and kills as usual.
    const interrupt = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      process.stderr.write(`\n${sig}: ending the run and writing its evidence (again to stop at once)\n`);
      interrupt.abort(sig);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const result = await runSuites({
        statement,
        signal: interrupt.signal,
        driver: prompter
          ? new InteractiveDriver(prompter, statement)
          : new HttpDriver(driverUrl!, { signal: interrupt.signal, ...(statement.sut?.maxAnswerBytes ? { maxAnswerBytes: statement.sut.maxAnswerBytes } : {}) }),
        mock: new MockClient(base, token!, publicUrl),
        mockPublicUrl: publicUrl,
        suites: args['hard-children'] ? withHardChildren(ALL_SUITES) : ALL_SUITES,
        ...(prompter ? { prompter, timeouts: { messageMs: 300_000, giveUpMs: 600_000, quietMs: 5_000 } } : {}),
        onProgress: (e) => reporters.forEach((r) => r.onProgress?.(e)),
      });
      const out = args.out ?? `reports/run-${result.run.startedAt.replace(/[:.]/g, '-')}`;
      await writeBundle(result, reporters, out, signKey);
      setExit(result.summary.exitCode);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await local?.close();
    }
  },
});
