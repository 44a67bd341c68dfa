/** Thin adapter: the route table as an express app. All behaviour lives in the pipeline. */
import express, { type NextFunction, type Request, type Response } from 'express';
import { once } from 'node:events';
import type { CoreRequest, CoreResponse } from '../http.js';
import type { Pipeline } from '../pipeline.js';

export function toExpressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** A path that WHATWG URL parsing would return unchanged, with no query: nothing to normalise or decode. */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_~\-/]*$/;

function toCore(req: Request): CoreRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  if (PLAIN_PATH.test(req.originalUrl)) return { method: req.method, path: req.originalUrl, query: {}, headers, body: req };
  const url = new URL(req.originalUrl, 'http://localhost');
  return { method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body: req };
}

async function send(req: Request, res: Response, out: CoreResponse): Promise<void> {
  if (out.drop) {
    req.socket.destroy();
    return;
  }
  if (out.stream) {
    res.writeHead(out.status, out.headers);
    for await (const chunk of out.stream) {
      if (!res.write(chunk)) await once(res, 'drain');
    }
    res.end();
    return;
  }
  const ct = out.headers['content-type'] ?? '';
  const payload = out.body === undefined ? '' : typeof out.body === 'string' && !ct.includes('json') ? out.body : JSON.stringify(out.body);
  res.writeHead(out.status, out.headers).end(payload);
}

export function createExpressApp(pipeline: Pipeline): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  for (const route of pipeline.routes) {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
    app[method](toExpressPath(route.path), (req, res) => {
      const params = Object.fromEntries(Object.entries(req.params as Record<string, string>));
      pipeline
        .invoke(route, params, toCore(req))
        .then((out) => send(req, res, out))
        .catch(() => req.socket.destroy());
    });
  }
  app.use((req, res) => {
    pipeline
      .handle(toCore(req))
      .then((out) => send(req, res, out))
      .catch(() => req.socket.destroy());
  });
  // express reports a path parameter it cannot decode (bad percent-encoding) as an error, which its
  // default handler would answer in HTML: answer as the pipeline does (and the msw adapter), in problem+json.
  app.use((_err: unknown, req: Request, res: Response, _next: NextFunction) => {
    pipeline
      .handle(toCore(req))
      .then((out) => send(req, res, out))
      .catch(() => req.socket.destroy());
  });
  return app;
}
