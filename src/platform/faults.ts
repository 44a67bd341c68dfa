/** Fault injection (docs/interface/contactpoint.md#fault-injection): which fault a request takes, and what it does. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CoreResponse } from './http.js';
import { ProblemError, problemResponse } from './problem.js';
import type { Fault, SessionContext, Sessions } from './sessions.js';

/** The session's first fault for this operation (and this body, when it matches on one), counted down. */
export function takeFault(sessions: Sessions, session: SessionContext, operationId: string, body: unknown): Fault | undefined {
  const faults = session.faults;
  const i = faults.findIndex((f) => (f.operationId === operationId || f.operationId === '*') && (!f.match || faultMatches(f.match, body)));
  if (i < 0) return undefined;
  const f = faults[i]!;
  if (f.remaining !== undefined) {
    const rest = faults.slice();
    if (f.remaining <= 1) rest.splice(i, 1);
    else rest[i] = { ...f, remaining: f.remaining - 1 };
    sessions.setFaults(session.id, rest);
  }
  return f;
}

export async function applyFault(f: Fault): Promise<CoreResponse | undefined> {
  // A pure latency fault delays the answer, not the work: see invoke.
  if (f.latencyMs && f.kind !== 'latency') await sleep(f.latencyMs);
  if (f.kind === 'drop') return { status: 0, headers: {}, drop: true };
  if (f.kind === 'error') {
    const status = f.status ?? 503;
    const headers: Record<string, string> = {};
    if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds);
    const code = status === 429 ? 'ICS_ERR_RATE_LIMITED' : 'ICS_ERR_FAULT_INJECTED';
    return problemResponse(new ProblemError(code, { status, detail: `Injected fault: ${describeFault(f)}` }).problem, headers);
  }
  return undefined;
}

/** Every pointer of the fault's match names a value in the body equal to the one given. */
export function faultMatches(match: Record<string, string>, body: unknown): boolean {
  return Object.entries(match).every(([pointer, want]) => {
    let v: unknown = body;
    for (const raw of pointer.split('/').slice(1)) {
      const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (typeof v !== 'object' || v === null || !Object.hasOwn(v, k)) return false;
      v = (v as Record<string, unknown>)[k];
    }
    return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && String(v) === want;
  });
}

export function describeFault(f: Fault): string {
  return [
    f.kind,
    f.status,
    f.retryAfterSeconds !== undefined ? `retry-after=${f.retryAfterSeconds}` : '',
    f.latencyMs ? `latency=${f.latencyMs}ms` : '',
  ]
    .filter(Boolean)
    .join(' ');
}
