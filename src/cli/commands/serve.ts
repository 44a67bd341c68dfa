import type { CommandModule } from 'yargs';
import type { EnsuredPki } from '../../mock-server/tls/pki.js';
import { ConfigError } from '../../harness/model/config-error.js';

interface Args {
  port: number;
  host: string;
  data?: string;
  seed: number;
  dataset: 'empty' | 'hannah' | 'population';
  count: number;
  'control-token'?: string;
  'journal-limit'?: number;
  tls?: string;
  'prepare-worker': boolean;
  'public-url'?: string;
  quiet: boolean;
  log: 'text' | 'json';
}

export const serveCommand = (): CommandModule<object, Args> => ({
  command: 'serve',
  describe: 'Serve the mock ContactPoint and National eCAF services over HTTP (or HTTPS with mutual TLS)',
  builder: (y) =>
    y
      .option('port', { type: 'number', default: 4010, describe: 'Port (0 = any free port)' })
      .option('host', {
        type: 'string',
        default: '127.0.0.1',
        describe: 'Interface to listen on (0.0.0.0: every interface, for a system in another container)',
      })
      .option('public-url', {
        type: 'string',
        describe: 'The URL your system reaches the server at, when not --host:--port (printed, and named in the --tls certificate)',
      })
      .option('data', { type: 'string', describe: 'SQLite file for durable state (default: in memory)' })
      .option('dataset', {
        choices: ['empty', 'hannah', 'population'] as const,
        default: 'population' as const,
        describe: 'Demo data for the default session',
      })
      .option('count', { type: 'number', default: 200, describe: 'Children in the population dataset' })
      .option('seed', { type: 'number', default: 1, describe: 'Seed for the synthetic population' })
      .option('control-token', { type: 'string', describe: 'Control API token (default: $ICS_CONTROL_TOKEN or random)' })
      .option('journal-limit', { type: 'number', describe: 'Journal entries kept per session before the oldest are dropped (default 50000)' })
      .option('prepare-worker', {
        type: 'boolean',
        default: true,
        describe: 'Parse and validate feed messages on a worker thread (--no-prepare-worker: on the main thread)',
      })
      .option('quiet', { type: 'boolean', default: false, describe: 'Print no line per exchange (the journal keeps them all the same)' })
      .option('log', {
        choices: ['text', 'json'] as const,
        default: 'text' as const,
        describe: 'One line per exchange (text), or one NDJSON object per exchange on stdout (json: the start-up lines go to stderr)',
      })
      .option('tls', {
        type: 'string',
        describe: 'Serve HTTPS with mutual TLS, from a test PKI in this directory (generated if missing, reused if present)',
      })
      .example('$0 serve', 'Serve on http://127.0.0.1:4010 with 200 synthetic children')
      .example('$0 serve --port 0 --data session.sqlite --dataset hannah', "Durable state, Hannah's story")
      .example('$0 serve --host 0.0.0.0 --public-url http://harness:4010', 'Reachable from other containers as http://harness:4010')
      .example('$0 serve --log json > exchanges.ndjson', 'One JSON object per exchange on stdout')
      .example('$0 serve --tls tls', 'https://127.0.0.1:4010; ContactPoint and National eCAF require a client certificate from tls/') as never,
  handler: async (args) => {
    const [{ startServer }, { DEFAULT_SESSION_ID, demoClients }, { ensureTestPki, TEST_CA_NAME }, { logExchanges }] = await Promise.all([
      import('../../mock-server/server.js'),
      import('../../mock-server/mock.js'),
      import('../../mock-server/tls/pki.js'),
      import('../exchange-log.js'),
    ]);
    const { listenFailure } = await import('../ports.js');
    const publicUrl = args['public-url'] === undefined ? undefined : parsePublicUrl(args['public-url']);
    const controlToken = args['control-token'] ?? process.env.ICS_CONTROL_TOKEN;
    // Certificates for the default session's demo systems, and a server certificate that also names --host.
    const pki = args.tls
      ? await ensureTestPki(args.tls, { clientIds: demoClients().map((c) => c.id), hosts: [args.host, ...(publicUrl ? [publicUrl.hostname] : [])] })
      : undefined;
    // A port in use names the port and the flag that changes it (exit 2), not a bare EADDRINUSE.
    const running = await startServer({
      port: args.port,
      host: args.host,
      ...(args.data ? { data: args.data } : {}),
      ...(controlToken ? { controlToken } : {}),
      ...(args['journal-limit'] !== undefined ? { journalLimit: args['journal-limit'] } : {}),
      demoSession: { dataset: args.dataset, count: args.count, seed: args.seed },
      prepareWorker: args['prepare-worker'],
      ...(pki ? { tls: { dir: pki.files.dir } } : {}),
    }).catch((err: unknown) => {
      throw listenFailure(err, args.host, args.port, '--port');
    });
    const { mock } = running;
    // What a vendor copies into their system's configuration: the address it reaches us at.
    const url = publicUrl ? publicUrl.href.replace(/\/$/, '') : running.url;
    const clients = mock.sessions.info(DEFAULT_SESSION_ID)!.clients;
    const lines = [
      `ics-conformance ${mock.version}: mock national services listening${publicUrl ? ` on ${running.url}, reached at ${url}` : ''}`,
      `  ContactPoint   ${url}/contactpoint/v1`,
      `  National eCAF  ${url}/ecaf/v1`,
      `  Control API    ${url}/control/v1   (Authorization: Bearer ${mock.controlToken})`,
      `  Docs           ${url}/docs   OpenAPI ${url}/openapi.json`,
      `  Store          ${args.data ?? 'in memory'}`,
      '',
      `Demo source systems (session "${DEFAULT_SESSION_ID}", Authorization: Bearer <token>):`,
      ...clients.map((c) => `  demo-${c.id.padEnd(16)} ${c.name} [${c.permissions.join(', ') || 'no permissions'}]`),
      '',
      ...(pki
        ? tlsLines(
            pki,
            clients.map((c) => c.id),
            url,
            TEST_CA_NAME,
          )
        : []),
      'Ctrl-C to stop.',
    ];
    // With --log json stdout is NDJSON only, so the start-up lines go to stderr.
    if (args.log === 'json') console.error(lines.join('\n'));
    else console.log(lines.join('\n'));
    const stopLog = args.quiet
      ? () => undefined
      : logExchanges(
          (l) => mock.journal.subscribe('*', l),
          args.log,
          (text) => void process.stdout.write(text),
        );
    await new Promise<void>((resolve) => {
      const stop = () => {
        stopLog();
        void running.close().then(resolve);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
});

function tlsLines(pki: EnsuredPki, clientIds: string[], url: string, caName: string): string[] {
  const { files } = pki;
  const ics = files.clients.ics;
  return [
    `Mutual TLS: ContactPoint and National eCAF need a client certificate naming the token's system (control API, docs: none).`,
    `  Test PKI       ${files.dir} (${pki.written.length > 0 ? `generated ${pki.written.length} files` : 'reused'})`,
    `  Test CA        ${files.ca}   ${caName}`,
    `  Server         ${files.server}`,
    'Client certificates and keys (demo session):',
    ...clientIds.filter((id) => files.clients[id]).map((id) => `  demo-${id.padEnd(16)} ${files.clients[id]!.cert}  ${files.clients[id]!.key}`),
    ...(ics
      ? [
          `  e.g. curl --cacert ${files.ca} --cert ${ics.cert} --key ${ics.key} -H 'Authorization: Bearer demo-ics' ${url}/contactpoint/v1/source-records/REF-1`,
        ]
      : []),
    '',
  ];
}

/** --public-url: an absolute http(s) URL, or a usage error (exit 2) naming what is wrong. */
function parsePublicUrl(text: string): URL {
  let u: URL | undefined;
  try {
    u = new URL(text);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname)
    throw new ConfigError(
      `--public-url "${text}" is not an absolute http(s) URL: give it as your system reaches the server, e.g. http://harness:4010`,
    );
  return u;
}
