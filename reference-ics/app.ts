/** The reference ICS's driver API over express: validated with the same schemas the harness publishes. */
import express, { type Request, type Response, type NextFunction } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TSchema } from '@sinclair/typebox';
import { validator, toProblemItems } from '../src/platform/validate.js';
import {
  DRIVER_BASE,
  Configuration,
  RegisterChild,
  RecordInvolvement,
  EndInvolvement,
  LeadProfessional,
  LogCafEpisode,
  UpdateCafEpisode,
  ReceiveTransfer,
  CaptureConsent,
} from '../src/harness/driver-api/schemas.js';
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

export function createReferenceIcsApp(ics: ReferenceIcs): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  const r = express.Router();
  r.get('/system', (_req, res) => {
    res.json({ vendor: ics.vendor, product: ics.product, version: ics.version });
  });
  r.put('/configuration', body(Configuration), (req, res) => {
    ics.configure(req.body);
    res.status(204).end();
  });
  r.post('/children', body(RegisterChild), (req, res) => {
    res.status(201).json({ childRef: ics.registerChild(req.body.child) });
  });
  r.put('/children/:childRef', body(RegisterChild), (req, res) => {
    ics.updateChild(req.params.childRef as string, req.body.child);
    res.status(204).end();
  });
  r.post('/children/:childRef/involvements', body(RecordInvolvement), (req, res) => {
    res.status(201).json({ involvementRef: ics.recordInvolvement(req.params.childRef as string, req.body) });
  });
  r.post('/involvements/:ref/end', body(EndInvolvement), (req, res) => {
    ics.endInvolvement(req.params.ref as string, req.body.endDate);
    res.status(204).end();
  });
  r.put('/involvements/:ref/lead-professional', body(LeadProfessional), (req, res) => {
    ics.setLeadProfessional(req.params.ref as string, req.body.leadProfessional);
    res.status(204).end();
  });
  r.post('/caf-episodes', body(LogCafEpisode), (req, res) => {
    res.status(201).json({ episodeRef: ics.ecaf.log(req.body.episode) });
  });
  r.put('/caf-episodes/:ref', body(UpdateCafEpisode), (req, res) => {
    ics.ecaf.update(req.params.ref as string, req.body.episode);
    res.status(204).end();
  });
  r.get('/caf-episodes/:ref', (req, res) => {
    res.json({ episodeRef: req.params.ref, episode: ics.ecaf.get(req.params.ref) });
  });
  r.post('/caf-episodes/:ref/transfer', (req, res) => {
    ics.ecaf.transferOut(req.params.ref);
    res.status(202).json({});
  });
  r.post('/caf-episodes/:ref/consents', body(CaptureConsent), (req, res) => {
    ics.ecaf.captureConsent(req.params.ref as string, req.body);
    res.status(204).end();
  });
  r.post('/migrations', (_req, res) => {
    ics.ecaf.exportMigration();
    res.status(202).json({});
  });
  // The receiving side: National eCAF hands over an exported episode. Judged on the answers it gives.
  r.post('/local-ecaf/transfers', (req, res) => {
    const b = req.body as { exportId?: unknown; episode?: unknown };
    const shape = validator(ReceiveTransfer);
    const exportId = typeof b?.exportId === 'string' ? b.exportId : '';
    if (!shape(req.body) && !exportId) return problem(res, 422, 'Not an eCAF export', { errors: toProblemItems(shape.errors, 'ECAF-IN-002') });
    const { ref, repeat } = ics.ecaf.receive(exportId, b.episode);
    // Exactly EpisodeRef: the harness validates every driver answer against its schema.
    return res.status(repeat ? 200 : 201).json({ episodeRef: ref });
  });
  r.get('/deliveries', (_req, res) => {
    res.json({ deliveries: ics.outbox.deliveries });
  });
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
