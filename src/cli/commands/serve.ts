import type { CommandModule } from 'yargs';
import { startServer } from '../../server.js';
import { DEFAULT_SESSION_ID } from '../../mock.js';

interface Args {
  port: number;
  host: string;
  data?: string;
  seed: number;
  dataset: 'empty' | 'hannah' | 'population';
  count: number;
  'control-token'?: string;
  'journal-limit'?: number;
}

export const serveCommand = (): CommandModule<object, Args> => ({
  command: 'serve',
  describe: 'Serve the mock ContactPoint and National eCAF services over HTTP',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 4010, describe: 'Port (0 = any free port)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
      .option('data', { type: 'string', describe: 'SQLite file for durable state (default: in memory)' })
      .option('dataset', { choices: ['empty', 'hannah', 'population'] as const, default: 'population' as const, describe: 'Demo data for the default session' })
      .option('count', { type: 'number', default: 200, describe: 'Children in the population dataset' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed for the synthetic population' })
      .option('control-token', { type: 'string', describe: 'Control API token (default: $ICS_CONTROL_TOKEN or random)' })
      .option('journal-limit', { type: 'number', describe: 'Journal entries kept per session before the oldest are dropped (default 50000)' })
      .example('$0 serve', 'Serve on http://127.0.0.1:4010 with 200 synthetic children')
      .example('$0 serve --port 0 --data session.sqlite --dataset hannah', 'Durable state, Hannah\'s story') as never,
  handler: async (args) => {
    const controlToken = args['control-token'] ?? process.env.ICS_CONTROL_TOKEN;
    const running = await startServer({
      port: args.port,
      host: args.host,
      ...(args.data ? { data: args.data } : {}),
      ...(controlToken ? { controlToken } : {}),
      ...(args['journal-limit'] !== undefined ? { journalLimit: args['journal-limit'] } : {}),
      demoSession: { dataset: args.dataset, count: args.count, seed: args.seed },
    });
    const { url, mock } = running;
    const clients = mock.sessions.info(DEFAULT_SESSION_ID)!.clients;
    const lines = [
      `ics-conformance ${mock.version}: mock national services listening`,
      `  ContactPoint   ${url}/contactpoint/v1`,
      `  National eCAF  ${url}/ecaf/v1`,
      `  Control API    ${url}/control/v1   (Authorization: Bearer ${mock.controlToken})`,
      `  Docs           ${url}/docs   OpenAPI ${url}/openapi.json`,
      `  Store          ${args.data ?? 'in memory'}`,
      '',
      `Demo source systems (session "${DEFAULT_SESSION_ID}", Authorization: Bearer <token>):`,
      ...clients.map((c) => `  demo-${c.id.padEnd(16)} ${c.name} [${c.permissions.join(', ') || 'no permissions'}]`),
      '',
      'Ctrl-C to stop.',
    ];
    console.log(lines.join('\n'));
    await new Promise<void>((resolve) => {
      const stop = () => {
        void running.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});
