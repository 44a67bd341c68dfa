/**
 * The mock national services as one object: store, sessions, journal, both services' domain code,
 * and the pipeline over their route tables. `serve` wraps it in express; `createHandlers` in msw;
 * the conformance engine uses it in-process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Store } from '../platform/store.js';
import { Sessions, type ClientSpec, type Credential, type SessionInfo } from '../platform/sessions.js';
import { Journal, type JournalBudget } from '../platform/journal.js';
import { Pipeline } from '../platform/pipeline.js';
import { route, json, type RouteDef } from '../platform/http.js';
import { ProblemError, type ProblemItem } from '../platform/problem.js';
import { buildOpenApi } from '../platform/openapi.js';
import { Kind } from '@sinclair/typebox';
import * as contactPointSchemas from '../../mocks/contactpoint/schemas.js';
import * as ecafSchemas from '../../mocks/ecaf/schemas.js';
import { renderDocs } from '../platform/docs.js';
import { DOCS_ASSETS, DOCS_CSP, docsAssets, renderDocsPage } from '../platform/docs-ui.js';
import { ERRORS } from '../../mocks/rules.js';
import { Directory, LOG_BODIES } from '../../mocks/contactpoint/domain/directory.js';
import { contactPointRoutes } from '../../mocks/contactpoint/routes.js';
import { NationalEcaf, NATIONAL_ECAF_CLIENT_ID } from '../../mocks/ecaf/domain/ecaf.js';
import { ecafRoutes } from '../../mocks/ecaf/routes.js';
import { controlRoutes } from './control/routes.js';
import { seedSession, seedSessionAsync, type DatasetName, type SeedSummary } from './seed.js';
import { VERSION } from '../platform/version.js';
import { PrepareWorker } from '../platform/offload.js';
import { PREPARERS } from './preparers.js';
import { CONTROL_TAG, SERVICES, defaultClients } from './services.js';
import type { ServiceModule } from '../platform/service.js';
import { CONTACTPOINT_SERVICE } from '../../mocks/contactpoint/service.js';
import { ECAF_SERVICE } from '../../mocks/ecaf/service.js';

/** The compiled prepare worker beside this build, if this is a build (under vitest, src/ has no .js). The composition names it: the platform's PrepareWorker runs whatever module it is given. */
export function prepareWorkerEntry(): URL | undefined {
  const url = new URL('./workers/prepare.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

export interface MockServicesOptions {
  /** SQLite file for long sessions; ":memory:" (the default) for tests. */
  data?: string;
  /** Token for the control API. Default: a random one (printed by `serve`). */
  controlToken?: string;
  /** Journal entries kept per session before the oldest are dropped. */
  journalLimit?: number;
  /** What the journal keeps of refused requests' bodies (per entry, per session). */
  journalBudget?: JournalBudget;
  /** Create the "default" session with the fixed demo credentials (as `serve` does). */
  demoSession?: boolean | { dataset?: DatasetName; count?: number; seed?: number };
  /**
   * Require a client certificate from the test CA, naming the token's client, on ContactPoint and
   * National eCAF operations (mutual TLS). Only the HTTPS server carries certificates: `startServer`
   * with `tls` sets this; over msw every such request would be refused.
   */
  mtls?: boolean;
  /**
   * Parse, validate and prepare feed messages on a worker thread (docs/decisions/0009), as `serve`
   * does: under load the main thread is the bottleneck. Only from a build (dist/), where the worker's
   * module exists; otherwise, and by default, they are prepared inline.
   */
  prepareWorker?: boolean;
}

export const DEFAULT_SESSION_ID = 'default';

/** What /openapi.json says the server is: these two services together. */
const OPENAPI_INFO = {
  summary: 'Simulated ContactPoint and National eCAF for accrediting ICS integrations.',
  description:
    "This project's own interface specification: no public ContactPoint or National eCAF specification survives. " +
    'Messages are closed JSON Schemas: unknown fields are refused. Errors are RFC 9457 problem+json naming the ' +
    'JSON path, the rule and the requirement.',
};

/** Fixed tokens of the default session, so docs and examples can name them. */
export function demoClients(): ClientSpec[] {
  return defaultClients().map((c) => ({ ...c, token: `demo-${c.id}` }));
}

export class MockServices {
  readonly store: Store;
  readonly sessions: Sessions;
  readonly journal: Journal;
  readonly directory: Directory;
  readonly ecaf: NationalEcaf;
  readonly pipeline: Pipeline;
  /** The services, with their routes (src/platform/service.ts). */
  readonly services: readonly ServiceModule[];
  readonly controlToken: string;
  readonly version = VERSION;
  /** The prepare worker, when one runs (prepareWorker). */
  readonly prepareWorker: PrepareWorker | undefined;
  private openapiCache: Record<string, unknown> | undefined;

  constructor(opts: MockServicesOptions = {}) {
    this.store = new Store(opts.data ?? ':memory:');
    this.sessions = new Sessions(this.store, defaultClients);
    this.journal = new Journal(this.store, opts.journalLimit, opts.journalBudget);
    this.directory = new Directory(this.store);
    this.directory.organisationOf = (sid, cid) => (cid === NATIONAL_ECAF_CLIENT_ID ? 'National eCAF' : this.sessions.client(sid, cid)?.organisation);
    this.journal.bodySource(LOG_BODIES, (seq) => this.directory.logBody(seq));
    // A reopened file: every session's ContactPoint indexes are rebuilt before the first request (0007).
    for (const s of this.sessions.list()) this.directory.warm(s.id);
    // National eCAF tells ContactPoint about CAFs through the directory's own ingest, in the same transaction.
    this.ecaf = new NationalEcaf(this.store, this.directory);
    this.sessions.onReset((id) => {
      this.directory.reset(id);
      this.ecaf.reset(id);
      this.journal.clear(id);
    });
    this.controlToken = opts.controlToken ?? `ctl_${randomBytes(18).toString('base64url')}`;
    // Each service with its routes over its state; SERVICES lists the same descriptors for what needs no state.
    this.services = [
      { ...CONTACTPOINT_SERVICE, routes: contactPointRoutes(this.directory, this.store) },
      { ...ECAF_SERVICE, routes: ecafRoutes(this.ecaf) },
    ];
    if (this.services.some((s, i) => s.name !== SERVICES[i]?.name))
      throw new Error('src/mock-server/services.ts lists other services than mock.ts runs');
    const routes: RouteDef[] = [...this.services.flatMap((s) => s.routes), ...controlRoutes(this), ...this.metaRoutes()];
    // A preparer the worker's registry lacks would quietly run inline: say so at start-up instead.
    for (const r of routes)
      if (r.preparer && PREPARERS[r.preparer.name] !== r.preparer)
        throw new Error(`${r.operationId}: preparer "${r.preparer.name}" is not in src/mock-server/preparers.ts`);
    const entry = opts.prepareWorker ? prepareWorkerEntry() : undefined;
    this.prepareWorker = entry ? new PrepareWorker(entry, PREPARERS) : undefined;
    this.pipeline = new Pipeline(routes, {
      store: this.store,
      sessions: this.sessions,
      journal: this.journal,
      controlToken: this.controlToken,
      mtls: opts.mtls ?? false,
      services: this.services,
      ...(this.prepareWorker ? { preparers: this.prepareWorker } : {}),
    });
    if (opts.demoSession && !this.sessions.has(DEFAULT_SESSION_ID)) {
      const d = typeof opts.demoSession === 'object' ? opts.demoSession : {};
      this.sessions.create({ id: DEFAULT_SESSION_ID, name: 'default (demo credentials)', clients: demoClients() });
      if (d.dataset && d.dataset !== 'empty') this.seed(DEFAULT_SESSION_ID, d.dataset, { count: d.count ?? 200, seed: d.seed ?? 1 });
    }
  }

  openapi(): Record<string, unknown> {
    // The services' exported schemas give components.schemas their names (and examples their schema).
    const schemas = Object.fromEntries(
      Object.entries({ ...contactPointSchemas, ...ecafSchemas }).filter(([, v]) => typeof v === 'object' && v !== null && Kind in v),
    );
    return (this.openapiCache ??= buildOpenApi(this.pipeline.routes, this.version, {
      schemas,
      info: OPENAPI_INFO,
      tags: [...this.services.map((s) => ({ name: s.name, description: s.description })), CONTROL_TAG],
    }));
  }

  createSession(opts: { name?: string; clients?: ClientSpec[]; dataset?: DatasetName; count?: number; seed?: number } = {}): {
    session: SessionInfo;
    credentials: Credential[];
    seeded?: SeedSummary;
  } {
    checkNewSession(opts);
    const created = this.sessions.create({ ...(opts.name ? { name: opts.name } : {}), ...(opts.clients ? { clients: opts.clients } : {}) });
    if (opts.dataset && opts.dataset !== 'empty') {
      let seeded: SeedSummary;
      try {
        seeded = this.seed(created.session.id, opts.dataset, { count: opts.count ?? 100, seed: opts.seed ?? 1 });
      } catch (err) {
        // No half-made session: one whose tokens were never shown could never be used or found.
        this.deleteSession(created.session.id);
        throw err;
      }
      return { ...created, seeded };
    }
    return created;
  }

  seed(sessionId: string, dataset: DatasetName, opts: { count: number; seed: number }): SeedSummary {
    return seedSession(this, sessionId, dataset, opts);
  }

  /** seed, in steps that let the server's other sessions be served meanwhile (the control API's way). */
  seedAsync(sessionId: string, dataset: DatasetName, opts: { count: number; seed: number }): Promise<SeedSummary> {
    return seedSessionAsync(this, sessionId, dataset, opts);
  }

  /** createSession, seeding in steps (seedAsync); the session's tokens are only answered once it is whole. */
  async createSessionAsync(
    opts: { name?: string; clients?: ClientSpec[]; dataset?: DatasetName; count?: number; seed?: number } = {},
  ): Promise<ReturnType<MockServices['createSession']>> {
    if (!opts.dataset || opts.dataset === 'empty') return this.createSession(opts);
    const { dataset, count, seed, ...rest } = opts;
    checkNewSession(opts);
    const created = this.createSession(rest);
    try {
      return { ...created, seeded: await this.seedAsync(created.session.id, dataset, { count: count ?? 100, seed: seed ?? 1 }) };
    } catch (err) {
      if (this.sessions.has(created.session.id)) this.deleteSession(created.session.id);
      throw err;
    }
  }

  resetSession(id: string): void {
    this.sessions.reset(id);
  }

  deleteSession(id: string): void {
    this.journal.clear(id);
    this.sessions.delete(id);
  }

  private metaRoutes(): RouteDef[] {
    const meta = { service: 'meta' as const, auth: { kind: 'none' as const }, requirement: 'DOC-001', responses: { 200: { description: 'OK' } } };
    return [
      route({
        ...meta,
        operationId: 'getOpenApi',
        method: 'GET',
        path: '/openapi.json',
        summary: 'This OpenAPI 3.1 document',
        handler: () => json(200, this.openapi()),
      }),
      route({
        ...meta,
        operationId: 'getDocs',
        method: 'GET',
        path: '/docs',
        summary: 'Human-readable docs with try-it (Swagger UI), and every problem code',
        handler: () => ({
          status: 200,
          body: renderDocsPage(this.openapi().info as { title: string; version: string }, ERRORS),
          headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DOCS_CSP },
        }),
      }),
      route({
        ...meta,
        operationId: 'getDocsReference',
        method: 'GET',
        path: '/docs/reference',
        summary: 'Human-readable docs as plain HTML (no script)',
        handler: () => ({ status: 200, body: renderDocs(this.openapi(), ERRORS), headers: { 'content-type': 'text/html; charset=utf-8' } }),
      }),
      // The docs page's own files, from the installed swagger-ui-dist: nothing is fetched from elsewhere.
      ...DOCS_ASSETS.map((name) =>
        route({
          ...meta,
          operationId: `getDocsAsset_${name.replace(/\W/g, '_')}`,
          method: 'GET',
          path: `/docs/assets/${name}`,
          summary: `The docs page's ${name}`,
          handler: () => {
            const a = docsAssets().get(name)!;
            return {
              status: 200,
              body: a.body,
              headers: { 'content-type': a.type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
            };
          },
        }),
      ),
      route({
        ...meta,
        operationId: 'getHealth',
        method: 'GET',
        path: '/health',
        summary: 'Liveness',
        handler: () => json(200, { status: 'ok', version: this.version }),
      }),
    ];
  }

  close(): void {
    this.prepareWorker?.close();
    this.journal.flush();
    this.ecaf.flushAudit();
    this.store.close();
  }
}

/** What would make createSession fail after it had begun, refused before anything is made. */
function checkNewSession(opts: { clients?: ClientSpec[]; dataset?: DatasetName }): void {
  const errors: ProblemItem[] = [];
  const seen = new Set<string>();
  opts.clients?.forEach((c, i) => {
    if (seen.has(c.id))
      errors.push({ path: `/clients/${i}/id`, rule: 'unique', requirement: 'CTL-001', message: `client ID "${c.id}" is given twice` });
    seen.add(c.id);
  });
  if (opts.dataset && opts.dataset !== 'empty' && opts.clients && !opts.clients.some((c) => c.permissions.includes('feed:write')))
    errors.push({
      path: '/dataset',
      rule: 'seeding-client',
      requirement: 'CTL-001',
      message: 'a dataset is sent to ContactPoint by a client permitted "feed:write": name one in clients',
    });
  if (errors.length > 0) throw new ProblemError('ICS_ERR_VALIDATION', { errors });
}

/**
 * Creates the mock services in-process.
 * @example
 * const mock = createMockServices({ demoSession: true });
 * const { credentials } = mock.createSession({ dataset: 'hannah' });
 */
export function createMockServices(opts: MockServicesOptions = {}): MockServices {
  return new MockServices(opts);
}
