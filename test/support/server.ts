/** Test support: a real server on port 0 with the demo session, and a small fetch client. */
import { startServer, type RunningServer } from '../../src/mock-server/server.js';

export const CONTROL = 'test-control-token';

export interface Api {
  url: string;
  request(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; raw?: string | Uint8Array; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any; text: string }>;
}

export function apiFor(url: string, fetchImpl: typeof fetch = fetch): Api {
  return {
    url,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      const token = opts.token === undefined ? 'demo-ics' : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      let body: string | Uint8Array | undefined;
      if (opts.raw !== undefined) body = opts.raw;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetchImpl(url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: res.status, headers: res.headers, body: parsed, text };
    },
  };
}

export async function testServer(
  opts: { data?: string } = {},
): Promise<RunningServer & { api: Api; control: (method: string, path: string, body?: unknown) => ReturnType<Api['request']> }> {
  const running = await startServer({ port: 0, demoSession: true, controlToken: CONTROL, ...opts });
  const api = apiFor(running.url);
  return {
    ...running,
    api,
    control: (method, path, body) =>
      api.request(method, `/control/v1/sessions/default${path}`, { token: CONTROL, ...(body !== undefined ? { body } : {}) }),
  };
}
