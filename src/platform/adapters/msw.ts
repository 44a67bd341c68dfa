/** Thin adapter: the same route table as msw request handlers, for a vendor's own test suite. */
import { http, HttpResponse, type HttpHandler } from 'msw';
import { responseText, type CoreRequest, type CoreResponse } from '../http.js';
import type { Pipeline } from '../pipeline.js';

function toMswPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function toCore(request: Request): CoreRequest {
  const url = new URL(request.url);
  const headers: Record<string, string | undefined> = {};
  request.headers.forEach((v, k) => {
    headers[k] = v;
  });
  const body = request.body as unknown as AsyncIterable<Uint8Array> | null;
  return { method: request.method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body };
}

function toResponse(out: CoreResponse, method = 'GET'): Response {
  if (out.drop) return HttpResponse.error();
  // HEAD: the GET's status and headers, no body (as node sends it).
  if (method === 'HEAD')
    return new HttpResponse(null, {
      status: out.status,
      headers: { ...out.headers, 'content-length': String(Buffer.byteLength(responseText(out))) },
    });
  if (out.stream) {
    const it = out.stream[Symbol.asyncIterator]();
    const encoder = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await it.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        await it.return?.();
      },
    });
    return new HttpResponse(stream, { status: out.status, headers: out.headers });
  }
  return new HttpResponse(out.body === undefined ? null : responseText(out), { status: out.status, headers: out.headers });
}

export function createMswHandlers(pipeline: Pipeline, baseUrl: string): HttpHandler[] {
  const base = baseUrl.replace(/\/$/, '');
  const verbs = { GET: http.get, POST: http.post, PUT: http.put, PATCH: http.patch, DELETE: http.delete } as const;
  const handlers: HttpHandler[] = pipeline.routes.map((route) =>
    // msw's own path parameters are decoded already; the pipeline matches and decodes the path
    // itself, once, exactly as it does for express, so "%2541" means "%41" in both.
    verbs[route.method](`${base}${toMswPath(route.path)}`, async ({ request }) => toResponse(await pipeline.handle(toCore(request)))),
  );
  // Anything else under the base URL gets the same 404/405 problem as the server gives.
  handlers.push(http.all(`${base}/*`, async ({ request }) => toResponse(await pipeline.handle(toCore(request)), request.method)));
  return handlers;
}
