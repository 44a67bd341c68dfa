/** Every preparer a route may name, by name: the registry the prepare worker loads (src/mock-server/workers/prepare.ts). */
import type { Preparer } from '../platform/offload.js';
import { SERVICES } from './services.js';

export const PREPARERS: Record<string, Preparer<never, unknown>> = Object.fromEntries(SERVICES.flatMap((s) => s.preparers).map((p) => [p.name, p]));
