/** Every preparer a route may name, by name: the registry the prepare worker loads (src/mock-server/workers/prepare.ts). */
import type { Preparer } from '../platform/offload.js';
import { cafIndicatorPreparer, involvementPreparer } from '../../mocks/contactpoint/preparers.js';

export const PREPARERS: Record<string, Preparer<never, unknown>> = Object.fromEntries(
  [involvementPreparer, cafIndicatorPreparer].map((p) => [p.name, p as Preparer<never, unknown>]),
);
