/** The reference ICS's driver API over express: its routes and their validation come from the harness's operations table. */
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TSchema } from '@sinclair/typebox';
import { validator, toProblemItems } from '../src/platform/validate.js';
import { DRIVER_BASE, ReceiveTransfer } from '../src/harness/driver-api/schemas.js';
import { DRIVER_OPERATION_LIST, type OperationId } from '../src/harness/driver-api/operations.js';
import { LocalEcafRefusal } from './local-ecaf.js';
import { ReferenceIcs, NotFound, NotForProfile } from './ics.js';
import type { Variant } from './variants.js';
import type { SourceSystemType } from '../src/harness/model/profiles.js';

function problem(res: Response, status: number, title: string, extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, ...extra }));
}

function body<T>(schema: TSchema) {
  return (req: Request, res: Response, next: NextFunction) => {
    const v = validator(schema);
    if (!v(req.body)) return problem(res, 422, 'Invalid driver request', { errors: toProblemItems(v.errors, 'DRIVER') });
    next();
    return undefined as T | undefined;
  };
}

type Handler = (req: Request, res: Response) => void;

/**
 * What the reference ICS does for each operation of the table (the type asks for every one). The
 * table gives each its method, path and body schema; a handler in SELF_VALIDATED checks its body itself.
 */
function handlers(ics: ReferenceIcs): Record<OperationId, Handler> {
  const param = (req: Request, name: string) => req.params[name] as string;
  return {
    getSystem: (_req, res) => {
      res.json({ vendor: ics.vendor, product: ics.product, version: ics.version });
    },
    configure: (req, res) => {
      ics.configure(req.body);
      res.status(204).end();
    },
    registerChild: (req, res) => {
      res.status(201).json({ childRef: ics.registerChild(req.body.child) });
    },
    updateChild: (req, res) => {
      ics.updateChild(param(req, 'childRef'), req.body.child);
      res.status(204).end();
    },
    recordInvolvement: (req, res) => {
      res.status(201).json({ involvementRef: ics.recordInvolvement(param(req, 'childRef'), req.body) });
    },
    endInvolvement: (req, res) => {
      ics.endInvolvement(param(req, 'involvementRef'), req.body.endDate);
      res.status(204).end();
    },
    setLeadProfessional: (req, res) => {
      ics.setLeadProfessional(param(req, 'involvementRef'), req.body.leadProfessional);
      res.status(204).end();
    },
    logCafEpisode: (req, res) => {
      res.status(201).json({ episodeRef: ics.ecaf.log(req.body.episode) });
    },
    updateCafEpisode: (req, res) => {
      ics.ecaf.update(param(req, 'episodeRef'), req.body.episode);
      res.status(204).end();
    },
    getCafEpisode: (req, res) => {
      res.json({ episodeRef: param(req, 'episodeRef'), episode: ics.ecaf.get(param(req, 'episodeRef')) });
    },
    transferCafEpisode: (req, res) => {
      ics.ecaf.transferOut(param(req, 'episodeRef'));
      res.status(202).json({});
    },
    captureConsent: (req, res) => {
      ics.ecaf.captureConsent(param(req, 'episodeRef'), req.body);
      res.status(204).end();
    },
    exportMigration: (_req, res) => {
      ics.ecaf.exportMigration();
      res.status(202).json({});
    },
    // The receiving side: National eCAF hands over an exported episode. Judged on the answers it gives.
    receiveCafTransfer: (req, res) => {
      const b = req.body as { exportId?: unknown; episode?: unknown };
      const shape = validator(ReceiveTransfer);
      const exportId = typeof b?.exportId === 'string' ? b.exportId : '';
      if (!shape(req.body) && !exportId) return problem(res, 422, 'Not an eCAF export', { errors: toProblemItems(shape.errors, 'ECAF-IN-002') });
      const { ref, repeat } = ics.ecaf.receive(exportId, b.episode);
      // Exactly EpisodeRef: the harness validates every driver answer against its schema.
      return res.status(repeat ? 200 : 201).json({ episodeRef: ref });
    },
    listDeliveries: (_req, res) => {
      res.json({ deliveries: ics.outbox.deliveries });
    },
  };
}

/**
 * Operations whose body the reference ICS does not validate against the table's schema: a transfer is
 * judged on the answers it gives (a malformed export with an exportId is the local module's to refuse),
 * and a migration request needs nothing of its body.
 */
const SELF_VALIDATED: ReadonlySet<OperationId> = new Set(['receiveCafTransfer', 'exportMigration']);

/** An operation's path as an express route: `{name}` becomes `:name`. */
const routePath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export function createReferenceIcsApp(ics: ReferenceIcs): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  const r = express.Router();
  const handle = handlers(ics);
  for (const op of DRIVER_OPERATION_LIST) {
    const validate = op.body && !SELF_VALIDATED.has(op.operationId) ? [body(op.body)] : [];
    r[op.method](routePath(op.path), ...validate, handle[op.operationId]);
  }
  app.use(DRIVER_BASE, r);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof NotFound) return problem(res, 404, err.message);
    if (err instanceof NotForProfile)
      return problem(res, 422, 'Not something this kind of system records', {
        detail: err.message,
        errors: [{ path: err.path, message: err.message }],
      });
    if (err instanceof LocalEcafRefusal) return problem(res, err.status, err.message, err.errors.length ? { errors: err.errors } : {});
    if ((err as { type?: string }).type === 'entity.parse.failed') return problem(res, 400, 'Malformed JSON');
    return problem(res, 500, 'Reference ICS error', { detail: (err as Error).message });
  });
  app.use((_req, res) => problem(res, 404, 'No such driver operation'));
  return app;
}

export interface RunningReferenceIcs {
  ics: ReferenceIcs;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the reference ICS's driver API, as the kind of source system `profile` names (default ics).
 * @example const sut = await startReferenceIcs({ port: 0, variants: ['drops-end-date'] });
 * @example const school = await startReferenceIcs({ port: 0, profile: 'education', variants: ['bad-upn-check-letter'] });
 */
export async function startReferenceIcs(
  opts: { port?: number; host?: string; variants?: Variant[]; profile?: SourceSystemType } = {},
): Promise<RunningReferenceIcs> {
  const ics = new ReferenceIcs(new Set(opts.variants ?? []), undefined, opts.profile ?? 'ics');
  const app = createReferenceIcsApp(ics);
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    ics,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        ics.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
