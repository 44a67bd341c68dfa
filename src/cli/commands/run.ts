import type { CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../../harness/model/config-error.js';
import type { Statement } from '../../harness/model/statement.js';
import type { RunningServer } from '../../mock-server/server.js';
import { withBundleOptions, type BundleArgs } from '../report-options.js';
import { withSelectionOptions, selectionOf, type SelectionArgs } from '../selection-options.js';

interface Args extends BundleArgs, SelectionArgs {
  sut?: string;
  config: string;
  interactive: boolean;
  resume?: string;
  'mock-url'?: string;
  'control-token'?: string;
  'mock-host': string;
  'mock-port': number;
  'public-url'?: string;
}

/** The harness exit code for an unreachable system or mocks (README: exit codes). */
const EXIT_HARNESS = 3;

/** An http(s) URL, or a usage error (exit 2) saying what the flag wants. */
function httpUrl(flag: string, text: string, what: string): string {
  let u: URL | undefined;
  try {
    u = new URL(text);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname)
    throw new ConfigError(`${flag} "${text}" is not an http(s) URL: give ${what}, e.g. http://127.0.0.1:8080`);
  return text.replace(/\/+$/, '');
}

export const runCommand = (setExit: (c: number) => void): CommandModule<object, Args> => ({
  command: 'run',
  describe: 'Accreditation run against your system (driver API, or --interactive for a witnessed session)',
  builder: (y) =>
    withSelectionOptions(withBundleOptions(y, 'reports/run-<time>'))
      .option('sut', { type: 'string', describe: 'Driver API base URL of the system under test (or $ICS_SUT_URL, or sut.driverUrl)' })
      .option('config', { type: 'string', default: 'ics-conformance.yml', describe: 'Conformance statement (write one with `init`)' })
      .option('interactive', {
        type: 'boolean',
        default: false,
        describe: 'A tester performs each step in the ICS; attestations are asked (keys at each prompt: s skip, r retry, q quit, ? help)',
      })
      .option('resume', {
        type: 'string',
        describe: 'Continue the stopped run whose bundle is in this directory: its judged tests are kept, the rest run, one bundle is written there',
      })
      .option('mock-url', { type: 'string', describe: 'Use a running `serve` instance (or $ICS_MOCK_URL); default: start the mocks in-process' })
      .option('control-token', { type: 'string', describe: 'Its control token (or $ICS_CONTROL_TOKEN)' })
      .option('mock-host', { type: 'string', default: '127.0.0.1', describe: 'Interface for in-process mocks' })
      .option('mock-port', { type: 'number', default: 0, describe: 'Port for in-process mocks (0 = any)' })
      .option('public-url', { type: 'string', describe: "The mocks' URL as your system reaches them" })
      .option('hard-children', {
        type: 'boolean',
        default: false,
        describe:
          'Also re-run every feed scenario over each kind of hard child (docs/source-systems.md#hard-children); the per-kind table is in every report',
      })
      .example(
        '$0 run --sut http://127.0.0.1:8080 --hard-children',
        'Every feed scenario again with twins, former names, a newborn, no identifier...',
      )
      .example('$0 run --sut http://127.0.0.1:8080 --config ics-conformance.yml', 'Automated run (CI)')
      .example('$0 run --sut http://127.0.0.1:8080 --only CP-FEED-008', 'The tests of one requirement (a PARTIAL run, never a full PASS)')
      .example('$0 run --sut http://127.0.0.1:8080 --resume reports/run-2026-12-04T09-00-00-000Z', 'Continue a stopped run')
      .example('$0 run --sut http://127.0.0.1:8080 --out reports/accreditation --sign-key keys/ics-signing-key.pem', 'Signed evidence bundle')
      .example('$0 run --interactive --mock-host 0.0.0.0 --mock-port 4010 --public-url http://harness.example:4010', 'Witnessed session') as never,
  handler: async (args) => {
    if (!existsSync(args.config))
      throw Object.assign(new ConfigError(`no conformance statement at ${args.config}: write one with \`ics-conformance init\``), { exitCode: 2 });
    const [{ loadStatement, fromEnv }, { makeReporters, prepareBundle, writeBundle }] = await Promise.all([
      import('../../harness/model/statement.js'),
      import('../options.js'),
    ]);
    const statement: Statement = loadStatement(args.config);
    const env = fromEnv(process.env);
    const sutText = args.sut ?? env.driverUrl ?? statement.sut?.driverUrl;
    if (!sutText && !args.interactive) throw new ConfigError('no system under test: give --sut, $ICS_SUT_URL or sut.driverUrl (or --interactive)');
    const driverUrl =
      sutText && !args.interactive
        ? httpUrl(args.sut ? '--sut' : env.driverUrl ? '$ICS_SUT_URL' : 'sut.driverUrl', sutText, "the base URL of your system's driver API")
        : undefined;
    const mockText = args['mock-url'] ?? env.mockUrl ?? statement.mocks?.url;
    const mockUrl = mockText ? httpUrl('--mock-url', mockText, 'the URL of a running `ics-conformance serve`') : undefined;
    const controlToken = args['control-token'] ?? env.controlToken ?? statement.mocks?.controlToken;
    if (mockUrl && !controlToken) throw new ConfigError("--mock-url needs the server's control token (--control-token or $ICS_CONTROL_TOKEN)");
    const [
      { HttpDriver },
      { InteractiveDriver, terminalPrompter },
      { MockClient },
      { runSuites, selectTests },
      { startServer },
      { ALL_SUITES },
      { applySelection, partialReason, partialSummary },
      resume,
      { preflight, PreflightError },
      { listenFailure },
      { terminalSafe },
      { withHardChildren },
    ] = await Promise.all([
      import('../../harness/engine/driver.js'),
      import('../../harness/engine/interactive.js'),
      import('../../harness/engine/mock-client.js'),
      import('../../harness/engine/runner.js'),
      import('../../mock-server/server.js'),
      import('../../../suites/index.js'),
      import('../../harness/engine/selection.js'),
      import('../../harness/app/resume.js'),
      import('../../harness/engine/preflight.js'),
      import('../ports.js'),
      import('../../platform/terminal.js'),
      import('../../../suites/hard-children.js'),
    ]);
    // Selection, statement and resume mistakes are usage errors, found before anything starts.
    selectTests(statement, ALL_SUITES);
    const wanted = selectionOf(args);
    const selection = wanted ? applySelection(statement, ALL_SUITES, wanted) : undefined;
    const suites = selection?.suites ?? ALL_SUITES;
    const resumable = args.resume ? await resume.loadResumable(args.resume, statement, args.interactive ? 'interactive' : 'automated') : undefined;
    const out = args.out ?? args.resume;
    const signKey = await prepareBundle(args, out);
    let local: RunningServer | undefined;
    let base = mockUrl;
    let token = controlToken;
    if (!base) {
      token = `ctl_${randomBytes(12).toString('hex')}`;
      const port = args['mock-port'] ?? statement.mocks?.port ?? 0;
      const host = args['mock-host'] ?? statement.mocks?.host;
      try {
        local = await startServer({ port, host, controlToken: token });
      } catch (err) {
        throw listenFailure(err, host, port, '--mock-port');
      }
      base = local.url;
    }
    const publicUrl = args['public-url'] ?? statement.mocks?.publicUrl ?? base;
    // SIGINT/SIGTERM (or q at a prompt) end the run early, not the process: the tests not run end
    // ERROR, the verdict is INCOMPLETE (exit 2), and the bundle is written. A second signal finds no
    // handler and kills as usual.
    const interrupt = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      process.stderr.write(`\n${sig}: ending the run and writing its evidence (again to stop at once)\n`);
      interrupt.abort(sig);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const prompter = args.interactive
      ? terminalPrompter(process.stdin, process.stdout, {
          signal: interrupt.signal,
          quit: (why) => {
            process.stderr.write(`\n${why}: ending the run and writing its evidence\n`);
            interrupt.abort(why);
          },
        })
      : undefined;
    try {
      const maxAnswerBytes = statement.sut?.maxAnswerBytes;
      try {
        await preflight({ ...(driverUrl ? { driverUrl } : {}), mockUrl: base, controlToken: token!, signal: interrupt.signal });
      } catch (err) {
        if (!(err instanceof PreflightError)) throw err;
        // Said once, line by line (terminal-safe: a URL or an answer can carry anything), and nothing run.
        for (const line of err.message.split('\n')) console.error(terminalSafe(line, 600));
        setExit(EXIT_HARNESS);
        return;
      }
      // The system now answering must be the one the stopped run judged (a witnessed run's is its statement's, compared above).
      if (resumable && driverUrl) {
        const now = await new HttpDriver(driverUrl, { signal: interrupt.signal }).system().catch(() => undefined);
        if (now) resume.assertSameSystem(resumable, now);
      }
      const reporters = await makeReporters(args.reporter);
      const mock = new MockClient(base, token!, publicUrl);
      mock.signal = interrupt.signal;
      if (prompter) mock.onEntry = (e) => prompter.observe(e);
      if (resumable)
        console.log(
          `Resuming ${resumable.previous.run.id}: ${resumable.kept.length} of ${resumable.previous.tests.length} tests kept, the rest run now.`,
        );
      const toRun = resumable ? resume.remaining(suites, resumable) : suites;
      let result = await runSuites({
        statement,
        signal: interrupt.signal,
        driver: prompter
          ? new InteractiveDriver(prompter, statement)
          : new HttpDriver(driverUrl!, { signal: interrupt.signal, ...(maxAnswerBytes ? { maxAnswerBytes } : {}) }),
        mock,
        mockPublicUrl: publicUrl,
        suites: args['hard-children'] ? withHardChildren(toRun) : toRun,
        catalogue: args['hard-children'] ? withHardChildren(ALL_SUITES) : ALL_SUITES,
        ...(prompter ? { prompter, timeouts: { messageMs: 300_000, giveUpMs: 600_000, quietMs: 5_000 } } : {}),
        onProgress: (e) => {
          if (prompter) prompter.currentTest = e.type === 'test-start' ? e.test.id : undefined;
          reporters.forEach((r) => r.onProgress?.(e));
        },
      });
      if (resumable) result = resume.mergeResumed(result, resumable, suites, statement, new Date().toISOString().slice(0, 10));
      const partial = partialReason(selection, result.tests, prompter?.skipped ?? []);
      if (partial) result = { ...result, summary: partialSummary(result.summary, partial) };
      const dir = out ?? `reports/run-${result.run.startedAt.replace(/[:.]/g, '-')}`;
      await writeBundle(result, reporters, dir, signKey);
      if (result.run.interrupted)
        console.log(`Continue it with: ics-conformance run --resume ${dir}${args.interactive ? ' --interactive' : ''} (same --config and selection)`);
      setExit(result.summary.exitCode);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      prompter?.close();
      await local?.close();
    }
  },
});
