/**
 * In-process mocks for a vendor's own vitest or jest suite: the same validation, state and errors
 * as the standalone server, through msw (a peer dependency).
 * @example
 * import { setupServer } from 'msw/node';
 * import { createHandlers, createMockServices } from 'ics-conformance/msw';
 * const mock = createMockServices({ demoSession: true });
 * const server = setupServer(...createHandlers({ mock, baseUrl: 'https://contactpoint.test' }));
 * // your ICS posts to https://contactpoint.test/contactpoint/v1/involvements with token "demo-ics"
 */
import type { HttpHandler } from 'msw';
import { createMswHandlers } from './platform/adapters/msw.js';
import { createMockServices, type MockServices } from './mock-server/mock.js';

export { createMockServices, MockServices, DEFAULT_SESSION_ID, demoClients } from './mock-server/mock.js';

export interface HandlersOptions {
  /** The mock services to serve; default: a new in-memory instance with the demo session. */
  mock?: MockServices;
  /** Origin the handlers answer on. Default http://ics-conformance.test */
  baseUrl?: string;
}

export function createHandlers(opts: HandlersOptions = {}): HttpHandler[] {
  const mock = opts.mock ?? createMockServices({ demoSession: true });
  return createMswHandlers(mock.pipeline, opts.baseUrl ?? 'http://ics-conformance.test');
}
