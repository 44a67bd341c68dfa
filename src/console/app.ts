/**
 * The web console (issue #20): sessions, a live journal, runs and their evidence, under /console on
 * the mocks' own server. Access is the control token, exchanged once for an HttpOnly cookie; a source
 * system's token never opens it. Sessions are managed through the control API's own routes (its
 * validation and problem+json), run in-process through the pipeline with the control token, which
 * never reaches the browser. Decision 0040.
 */
import express, { type Request, type Response, type NextFunction } from 'express';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MockServices } from '../mock-server/mock.js';
import type { ServerExtension } from '../mock-server/server.js';
import type { JournalEntry } from '../platform/journal.js';
import { ProblemError } from '../platform/problem.js';
import { childrenOf } from '../harness/engine/context.js';
import { RunManager, RUN_ID, type StartRequest } from './runs.js';
import { tarDirectory } from './tar.js';
import type { Suite } from '../harness/engine/types.js';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS } from './page.js';

export const CONSOLE_PATH = '/console';
const COOKIE = 'ics_console';
/** A login lasts a working day. */
const LOGIN_MS = 12 * 3600_000;
/** Entries a journal view starts with; older ones stay in the control API and the bundles. */
const BACKLOG = 500;

/** Every console page and script: nothing inline, nothing from elsewhere, never framed. */
export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'";
/** The HTML report inside the console: its own inline styles, but no script runs (sandbox). */
const REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export interface ConsoleOptions {
  /** Where runs started from the console write their evidence bundles (one directory each). */
  runsDir: string;
  /** The suites runs select from (default: every suite); tests pass a few. */
  suites?: Suite[];
  /** The mocks' URL as the vendor's ICS reaches them, when that is not this server's (behind a TLS proxy). */
  publicUrl?: string;
}

/** Mounts the console; pass it as `startServer({ extend: (app, mock) => mountConsole(app, mock, opts) })`. */
export function mountConsole(app: express.Express, mock: MockServices, opts: ConsoleOptions): ServerExtension & { runs: RunManager } {
  const runs = new RunManager(mock, opts.runsDir, opts.suites, opts.publicUrl);
  const logins = new Map<string, number>();
  const streams = new Set<Response>();
  const tokenHash = createHash('sha256').update(mock.controlToken).digest();
  const r = express.Router();

  r.use((req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', 'no-store');
    next();
  });
  r.get(['/', '/index.html'], (_req, res) => void res.type('html').send(CONSOLE_HTML));
  r.get('/console.js', (_req, res) => void res.type('text/javascript').send(CONSOLE_JS));
  r.get('/console.css', (_req, res) => void res.type('text/css').send(CONSOLE_CSS));

  r.post('/api/login', express.json({ limit: '4kb' }), (req, res) => {
    const token = (req.body as { token?: unknown } | undefined)?.token;
    // Compared as hashes: equal lengths for timingSafeEqual, and the token's length leaks nothing.
    const ok = typeof token === 'string' && timingSafeEqual(createHash('sha256').update(token).digest(), tokenHash);
    if (!ok) {
      const code = typeof token === 'string' && token ? 'ICS_ERR_AUTH_INVALID' : 'ICS_ERR_AUTH_MISSING';
      return problem(
        res,
        new ProblemError(code, {
          requirement: 'CTL-AUTH-001',
          detail:
            "The console opens with the server's control token (printed by `serve`/`console`, or $ICS_CONTROL_TOKEN); a source system's token does not open it.",
        }),
      );
    }
    const id = randomBytes(24).toString('base64url');
    logins.set(id, Date.now() + LOGIN_MS);
    res.setHeader(
      'set-cookie',
      `${COOKIE}=${id}; Path=${CONSOLE_PATH}; HttpOnly; SameSite=Strict; Max-Age=${LOGIN_MS / 1000}${secure(req) ? '; Secure' : ''}`,
    );
    res.status(204).end();
  });

  // Everything below needs a login. Changes also need the console's header: a cross-site form cannot send it.
  r.use('/api', (req, res, next) => {
    const id = cookie(req, COOKIE);
    const until = id ? logins.get(id) : undefined;
    if (!id || !until || until < Date.now()) {
      if (id) logins.delete(id);
      return problem(
        res,
        new ProblemError(id ? 'ICS_ERR_AUTH_INVALID' : 'ICS_ERR_AUTH_MISSING', {
          requirement: 'CTL-AUTH-001',
          detail: 'Log in to the console with the control token.',
        }),
      );
    }
    if (req.method !== 'GET' && req.get('x-ics-console') !== '1')
      return problem(
        res,
        new ProblemError('ICS_ERR_AUTH_FORBIDDEN', { detail: 'Changes must come from the console page (X-ICS-Console header missing).' }),
      );
    next();
  });

  r.post('/api/logout', (req, res) => {
    const id = cookie(req, COOKIE);
    if (id) logins.delete(id);
    res.setHeader('set-cookie', `${COOKIE}=; Path=${CONSOLE_PATH}; HttpOnly; SameSite=Strict; Max-Age=0`);
    res.status(204).end();
  });

  // Sessions: the control API's own operations, so their validation and errors are the API's.
  const viaControl = (method: string, path: (req: Request) => string, withBody = false) =>
    asyncRoute(async (req, res) => {
      const body = withBody ? await readBody(req) : undefined;
      const out = await mock.pipeline.handle({
        method,
        path: path(req),
        query: {},
        headers: {
          authorization: `Bearer ${mock.controlToken}`,
          ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': String(body.byteLength) } : {}),
        },
        body: body !== undefined ? oneChunk(body) : null,
      });
      res.status(out.status);
      for (const [k, v] of Object.entries(out.headers)) if (k !== 'content-length') res.setHeader(k, v);
      if (out.status === 204) return void res.end();
      res.send(out.json ?? (typeof out.body === 'string' ? out.body : JSON.stringify(out.body)));
    });
  const sid = (req: Request) => encodeURIComponent(String(req.params.id));
  r.get(
    '/api/sessions',
    viaControl('GET', () => '/control/v1/sessions'),
  );
  r.post(
    '/api/sessions',
    viaControl('POST', () => '/control/v1/sessions', true),
  );
  r.get(
    '/api/sessions/:id',
    viaControl('GET', (req) => `/control/v1/sessions/${sid(req)}`),
  );
  r.delete(
    '/api/sessions/:id',
    viaControl('DELETE', (req) => `/control/v1/sessions/${sid(req)}`),
  );
  r.post(
    '/api/sessions/:id/reset',
    viaControl('POST', (req) => `/control/v1/sessions/${sid(req)}/reset`),
  );

  // The live journal: the backlog, then each entry as it is journalled. Pushed, never polled.
  r.get('/api/sessions/:id/journal/events', (req, res) => {
    const id = String(req.params.id);
    if (!mock.sessions.info(id)) return problem(res, new ProblemError('ICS_ERR_SESSION_NOT_FOUND', { detail: `No session "${id}"` }));
    let sent = Number(req.get('last-event-id') ?? 0) || 0;
    const last = mock.journal.lastSeq(id);
    if (!sent) sent = Math.max(0, last - BACKLOG);
    openStream(res);
    let queued = false;
    const flush = () => {
      queued = false;
      // Read back from the journal, not the live object: bodies a service stored itself are filled in there.
      for (;;) {
        const page = mock.journal.list(id, { since: sent, limit: 200 });
        for (const e of page.entries) {
          sent = e.seq;
          res.write(`id: ${e.seq}\nevent: entry\ndata: ${JSON.stringify(view(e))}\n\n`);
        }
        if (page.entries.length < 200) break;
      }
    };
    const off = mock.journal.subscribe(id, () => {
      if (queued) return;
      queued = true;
      setImmediate(flush);
    });
    flush();
    res.write('event: ready\ndata: {}\n\n');
    req.on('close', () => {
      off();
      streams.delete(res);
    });
  });

  // Runs.
  r.get(
    '/api/runs',
    asyncRoute(async (_req, res) => void res.json({ runs: await runs.list() })),
  );
  r.post(
    '/api/runs',
    express.json({ limit: '1mb' }),
    asyncRoute(async (req, res) => void res.status(201).json(await runs.start((req.body ?? {}) as StartRequest))),
  );
  r.get(
    '/api/runs/:id',
    asyncRoute(async (req, res) => {
      const v = runs.view(String(req.params.id));
      if (v) return void res.json(v);
      const dir = runs.runDir(String(req.params.id));
      res.type('json').send(await readFile(join(dir, 'results.json')));
    }),
  );
  r.get('/api/runs/:id/events', (req, res) => {
    const v = runs.view(String(req.params.id));
    if (!v) return problem(res, new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: `No run ${String(req.params.id)} in progress` }));
    openStream(res);
    const send = () => res.write(`event: run\ndata: ${JSON.stringify(v)}\n\n`);
    runs.events.on(v.id, send);
    send();
    req.on('close', () => {
      runs.events.off(v.id, send);
      streams.delete(res);
    });
  });
  r.post('/api/runs/:id/prompts/:pid', express.json({ limit: '16kb' }), (req, res) => {
    try {
      res.json(runs.respond(String(req.params.id), Number(req.params.pid), (req.body ?? {}) as Record<string, unknown>));
    } catch (err) {
      fail(res, err);
    }
  });
  r.post('/api/runs/:id/stop', express.json({ limit: '4kb' }), (req, res) => {
    try {
      res.status(202).json(runs.stop(String(req.params.id), (req.body as { by?: unknown } | undefined)?.by));
    } catch (err) {
      fail(res, err);
    }
  });
  r.post(
    '/api/runs/:id/resume',
    asyncRoute(async (req, res) => void res.status(201).json(await runs.resume(String(req.params.id)))),
  );
  r.post(
    '/api/runs/:id/rerun',
    express.json({ limit: '4kb' }),
    asyncRoute(
      async (req, res) => void res.status(201).json(await runs.rerun(String(req.params.id), (req.body as { test?: unknown } | undefined)?.test)),
    ),
  );
  r.get(
    '/api/runs/:id/report.html',
    asyncRoute(async (req, res) => {
      const dir = runs.runDir(String(req.params.id));
      res.setHeader('content-security-policy', REPORT_CSP);
      res.type('html').send(await readFile(join(dir, 'report.html')));
    }),
  );
  r.get(
    '/api/runs/:id/bundle.tar',
    asyncRoute(async (req, res) => {
      const id = String(req.params.id);
      const tar = await tarDirectory(runs.runDir(id), id);
      res.setHeader('content-disposition', `attachment; filename="${id}.tar"`);
      res.type('application/x-tar').send(tar);
    }),
  );
  r.get(
    '/api/diff',
    asyncRoute(async (req, res) => {
      const a = String(req.query.baseline ?? '');
      const b = String(req.query.run ?? '');
      for (const [name, v] of [
        ['baseline', a],
        ['run', b],
      ] as const)
        if (!RUN_ID.test(v))
          throw new ProblemError('ICS_ERR_VALIDATION', {
            errors: [{ path: `query:${name}`, rule: 'run-id', requirement: 'CTL-001', message: `${name}: pick a finished run` }],
          });
      const { loadRun, diffRuns, diffText } = await import('../harness/evidence/diff.js');
      const d = diffRuns(await loadRun(runs.runDir(a)), await loadRun(runs.runDir(b)));
      res.json({ text: diffText(d), regression: d.regression });
    }),
  );
  r.use('/api', (_req, res) => problem(res, new ProblemError('ICS_ERR_HTTP_NOT_FOUND', { detail: 'No such console API path' })));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => fail(res, err));

  app.use(CONSOLE_PATH, r);
  return {
    runs,
    listening: (url) => runs.listening(url),
    close: async () => {
      // Runs in progress end first (their state saved for a resume), while the server can still answer them.
      await runs.close();
      for (const s of streams) s.end();
      streams.clear();
    },
  };

  function openStream(res: Response): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    streams.add(res);
  }
}

/** A journal entry as the page shows it: the exchange, plus who it is about (for the child filter). */
function view(e: JournalEntry): JournalEntry & { children: string[] } {
  const children = childrenOf(e).map((c) =>
    [c.name?.given, c.name?.family, c.identifiers?.nhsNumber].filter((x) => typeof x === 'string' && x).join(' '),
  );
  return { ...e, children };
}

/** HTTPS here, or at a TLS proxy on this host that says so (docs/console.md): the cookie is then Secure. */
function secure(req: Request): boolean {
  const a = req.socket.remoteAddress ?? '';
  return req.secure || (req.get('x-forwarded-proto') === 'https' && (a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1'));
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

async function readBody(req: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function* oneChunk(b: Buffer): AsyncIterable<Uint8Array> {
  yield b;
}

function asyncRoute(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response) => void fn(req, res).catch((err: unknown) => fail(res, err));
}

function fail(res: Response, err: unknown): void {
  if (err instanceof ProblemError) return problem(res, err);
  const detail = (err as { type?: string }).type === 'entity.parse.failed' ? 'The body is not well-formed JSON.' : (err as Error).message;
  const status = (err as { status?: number }).status ?? 500;
  problem(
    res,
    new ProblemError(status === 400 ? 'ICS_ERR_HTTP_MALFORMED_JSON' : status === 413 ? 'ICS_ERR_HTTP_TOO_LARGE' : 'ICS_ERR_INTERNAL', { detail }),
  );
}

function problem(res: Response, err: ProblemError): void {
  if (res.headersSent) return void res.end();
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  res.status(err.problem.status).type('application/problem+json').send(JSON.stringify(err.problem));
}
