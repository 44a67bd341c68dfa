import type { CommandModule } from 'yargs';

interface Args {
  port: number;
  host: string;
  data?: string;
  runs: string;
  'control-token'?: string;
  'public-url'?: string;
}

export const consoleCommand = (): CommandModule<object, Args> => ({
  command: 'console',
  describe: 'Serve the mock services with the web console: sessions, a live journal, runs (witnessed or automated) and their evidence',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 4010, describe: 'Port (0 = any free port)' })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Interface to listen on (put a TLS proxy in front before opening it wider: docs/console.md)',
      })
      .option('data', { type: 'string', describe: 'SQLite file for durable state (default: in memory)' })
      .option('runs', { type: 'string', default: 'reports/console', describe: 'Directory for the evidence bundles of runs started in the console' })
      .option('public-url', {
        type: 'string',
        describe: "The mocks' URL as the vendor's ICS reaches them (e.g. behind a TLS proxy); runs configure the ICS with it",
      })
      .option('control-token', { type: 'string', describe: 'Control token, which also opens the console (default: $ICS_CONTROL_TOKEN or random)' })
      .example('$0 console', 'Open http://127.0.0.1:4010/console and log in with the printed control token')
      .example('$0 console --port 8443 --data witnessed.sqlite --runs evidence/', 'Durable sessions, bundles in evidence/') as never,
  handler: async (args) => {
    const [{ startServer }, { mountConsole }, { listenFailure }] = await Promise.all([
      import('../../mock-server/server.js'),
      import('../../console/app.js'),
      import('../ports.js'),
    ]);
    const controlToken = args['control-token'] ?? process.env.ICS_CONTROL_TOKEN;
    // A port in use names the port and the flag that changes it (exit 2), not a bare EADDRINUSE.
    const running = await startServer({
      port: args.port,
      host: args.host,
      ...(args.data ? { data: args.data } : {}),
      ...(controlToken ? { controlToken } : {}),
      demoSession: { dataset: 'population', count: 200, seed: 1 },
      extend: (app, mock) => mountConsole(app, mock, { runsDir: args.runs, ...(args['public-url'] ? { publicUrl: args['public-url'] } : {}) }),
    }).catch((err: unknown) => {
      throw listenFailure(err, args.host, args.port, '--port');
    });
    const { url, mock } = running;
    console.log(
      [
        `ics-conformance ${mock.version}: web console and mock national services listening`,
        `  Console        ${url}/console   (log in with the control token)`,
        `  Control token  ${mock.controlToken}`,
        `  ContactPoint   ${url}/contactpoint/v1`,
        `  National eCAF  ${url}/ecaf/v1`,
        `  Store          ${args.data ?? 'in memory'}   Runs ${args.runs}/`,
        'Ctrl-C to stop.',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      const stop = () => void running.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
