/**
 * How the harness makes the system under test act. HttpDriver speaks the driver API a vendor adds to
 * a test build; InteractiveDriver asks a tester at the terminal to do the same thing by hand.
 */
import { connectionFailure } from '../../platform/net.js';
import type { ChildIdentity, PractitionerContact } from '../../platform/schemas/common.js';
import type { Configuration, Delivery, RecordInvolvement, SystemInfo } from '../driver-api/schemas.js';
import { DRIVER_BASE } from '../driver-api/schemas.js';
import { DRIVER_OPERATION_LIST, driverCall, type OperationId } from '../driver-api/operations.js';
import { validator } from '../../platform/validate.js';
import type { Exchange, Json } from './types.js';

export class SutUnreachableError extends Error {}
export class DriverError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}
/**
 * The system under test answered, but not as the driver API allows: a redirect (never followed: the
 * request may carry credentials), an answer over the size cap, or one its schema refuses. The test
 * ends ERROR; the exchange, with what was read of the answer, is in the evidence.
 */
export class SutAnswerError extends DriverError {}

export interface Driver {
  readonly mode: 'automated' | 'interactive';
  system(): Promise<SystemInfo>;
  configure(cfg: Configuration): Promise<void>;
  registerChild(child: ChildIdentity): Promise<string>;
  updateChild(childRef: string, child: ChildIdentity): Promise<void>;
  recordInvolvement(childRef: string, inv: RecordInvolvement): Promise<string>;
  endInvolvement(involvementRef: string, endDate: string): Promise<void>;
  setLeadProfessional(involvementRef: string, leadProfessional: boolean): Promise<void>;
  deliveries(): Promise<Delivery[]>;
  /** Generic call for capability-specific operations (eCAF). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Why the run should stop talking to the system (its circuit breaker is open), if it should. */
  circuitOpen?(): string | undefined;
}

export type ExchangeSink = (e: Omit<Exchange, 'n'>) => void;

/** Default cap on one driver answer (bytes): far above any answer the driver API defines. */
export const DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** Consecutive failed driver calls (unreachable, timed out, 5xx, or an answer the API does not allow) that end the run. */
export const CIRCUIT_BREAKER_THRESHOLD = 3;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Every string in a parsed answer (keys too) is well-formed Unicode. */
function wellFormed(v: unknown): boolean {
  if (typeof v === 'string') return !LONE_SURROGATE.test(v);
  if (Array.isArray(v)) return v.every(wellFormed);
  if (v && typeof v === 'object') return Object.entries(v).every(([k, x]) => wellFormed(k) && wellFormed(x));
  return true;
}
/** What of a refused answer goes into the evidence (characters). */
const EVIDENCE_TEXT_MAX = 4096;

export interface HttpDriverOptions {
  /** Per call (default 10 s). */
  timeoutMs?: number;
  /** Cap on an answer's body (default DEFAULT_MAX_ANSWER_BYTES); a longer one is an ERROR, and only that much is read. */
  maxAnswerBytes?: number;
  /** Aborts every call in flight, and any later one (an interrupted run). */
  signal?: AbortSignal;
  circuitBreakerThreshold?: number;
}

const OPERATIONS = DRIVER_OPERATION_LIST.map((op) => ({
  op,
  regex: new RegExp(`^${DRIVER_BASE}${op.path.replace(/\{\w+\}/g, '[^/]+')}$`),
}));

/** The driver API operation a call is, to validate its answer against the operation's schema. */
function operationOf(method: string, path: string) {
  const p = path.split('?')[0]!;
  return OPERATIONS.find((o) => o.op.method === method.toLowerCase() && o.regex.test(p))?.op;
}

export class HttpDriver implements Driver {
  readonly mode = 'automated' as const;
  sink: ExchangeSink | undefined;
  private readonly timeoutMs: number;
  private readonly maxAnswerBytes: number;
  private readonly signal: AbortSignal | undefined;
  private readonly threshold: number;
  private failures = 0;
  private open: string | undefined;

  constructor(
    readonly baseUrl: string,
    opts: HttpDriverOptions | number = {},
  ) {
    const o = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    this.timeoutMs = o.timeoutMs ?? 10_000;
    this.maxAnswerBytes = o.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.signal = o.signal;
    this.threshold = o.circuitBreakerThreshold ?? CIRCUIT_BREAKER_THRESHOLD;
  }

  circuitOpen(): string | undefined {
    return this.open;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    if (this.open) throw new SutUnreachableError(this.open);
    if (this.signal?.aborted) throw new SutUnreachableError(`the run was interrupted (${String(this.signal.reason)})`);
    try {
      const r = await this.exchange(method, path, body);
      if (r.status >= 500) this.failed(`driver ${method} ${path} answered ${r.status}`);
      else this.failures = 0;
      return r;
    } catch (err) {
      if (err instanceof SutUnreachableError || err instanceof SutAnswerError) this.failed(err.message);
      throw err;
    }
  }

  /** Counts a failed call; at the threshold the breaker opens and every later call fails at once. */
  private failed(reason: string): void {
    if (this.signal?.aborted) return;
    if (++this.failures >= this.threshold && !this.open)
      this.open = `circuit breaker open: ${this.failures} driver calls in a row failed, so the run stops talking to the system under test (last: ${reason.slice(0, 500)})`;
  }

  private async exchange(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const url = this.baseUrl.replace(/\/$/, '') + path;
    const started = performance.now();
    const at = new Date().toISOString();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([timeout, this.signal]) : timeout;
    const record = (status: number, responseBody: unknown) =>
      this.sink?.({
        direction: 'harness->sut',
        at,
        durationMs: Math.round(performance.now() - started),
        method,
        url: path,
        ...(body !== undefined ? { requestBody: body } : {}),
        status,
        ...(responseBody !== undefined ? { responseBody } : {}),
      });
    let res: Response;
    let text: string;
    try {
      // Never follow a redirect: the next request would take the run's credentials (configure) elsewhere.
      res = await fetch(url, {
        method,
        redirect: 'manual',
        headers: body !== undefined ? { 'content-type': 'application/json' } : {},
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal,
      });
      if (res.status >= 300 && res.status < 400) {
        const location = res.headers.get('location') ?? '(no Location)';
        await res.body?.cancel().catch(() => undefined);
        record(res.status, `redirect to ${location}`);
        throw new SutAnswerError(
          `driver ${method} ${path} answered ${res.status} redirecting to ${location.slice(0, 300)}: redirects are not followed (the request could carry the run's credentials there)`,
          res.status,
          { location },
        );
      }
      const read = await readCapped(res, this.maxAnswerBytes);
      text = read.text;
      if (read.over) {
        record(res.status, `${text.slice(0, EVIDENCE_TEXT_MAX)}… (answer over ${this.maxAnswerBytes} bytes: reading stopped)`);
        throw new SutAnswerError(
          `driver ${method} ${path} answered more than ${this.maxAnswerBytes} bytes (the answer size cap, sut.maxAnswerBytes): reading stopped`,
          res.status,
          undefined,
        );
      }
    } catch (err) {
      if (err instanceof SutAnswerError) throw err;
      const why = this.signal?.aborted
        ? `the run was interrupted (${String(this.signal.reason)})`
        : timeout.aborted
          ? `no answer within ${this.timeoutMs} ms`
          : connectionFailure(err);
      record(0, `(no answer: ${why})`);
      throw new SutUnreachableError(`system under test unreachable at ${url}: ${why}`);
    }
    let parsed: unknown = text;
    let json = true;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      json = false; // kept as the text it came
    }
    const op = operationOf(method, path);
    if (res.status < 300 && op?.response.schema) {
      const v = validator(op.response.schema);
      // A lone surrogate is not Unicode: it could not be signed (RFC 8785) nor shown faithfully.
      const unicode = !json || wellFormed(parsed);
      if (!json || !unicode || !v(parsed)) {
        record(res.status, json ? parsed : text.slice(0, EVIDENCE_TEXT_MAX));
        const why = !text
          ? 'is empty'
          : !json
            ? 'is not JSON'
            : !unicode
              ? 'is not well-formed Unicode (a lone surrogate)'
              : (v.errors ?? [])
                  .slice(0, 3)
                  .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
                  .join('; ');
        throw new SutAnswerError(
          `driver ${method} ${path} answered ${res.status} with a body the driver API does not allow (${op.operationId}: ${why})`,
          res.status,
          json ? parsed : text.slice(0, EVIDENCE_TEXT_MAX),
        );
      }
    }
    record(res.status, parsed);
    return { status: res.status, body: parsed };
  }

  /** Calls an operation of the table (its method and path); a 4xx or 5xx is a DriverError. */
  private async ok(id: OperationId, params: Record<string, string>, body?: unknown): Promise<Json> {
    const { method, path } = driverCall(id, params);
    const r = await this.call(method, path, body);
    if (r.status >= 400)
      throw new DriverError(`driver ${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)?.slice(0, 500)}`, r.status, r.body);
    return r.body;
  }

  system(): Promise<SystemInfo> {
    return this.ok('getSystem', {});
  }
  async configure(cfg: Configuration): Promise<void> {
    await this.ok('configure', {}, cfg);
  }
  async registerChild(child: ChildIdentity): Promise<string> {
    return (await this.ok('registerChild', {}, { child })).childRef;
  }
  async updateChild(childRef: string, child: ChildIdentity): Promise<void> {
    await this.ok('updateChild', { childRef }, { child });
  }
  async recordInvolvement(childRef: string, inv: RecordInvolvement): Promise<string> {
    return (await this.ok('recordInvolvement', { childRef }, inv)).involvementRef;
  }
  async endInvolvement(involvementRef: string, endDate: string): Promise<void> {
    await this.ok('endInvolvement', { involvementRef }, { endDate });
  }
  async setLeadProfessional(involvementRef: string, leadProfessional: boolean): Promise<void> {
    await this.ok('setLeadProfessional', { involvementRef }, { leadProfessional });
  }
  async deliveries(): Promise<Delivery[]> {
    return (await this.ok('listDeliveries', {})).deliveries;
  }
}

/** Reads at most `max` bytes of an answer (a declared longer Content-Length reads none); the rest is cancelled. */
async function readCapped(res: Response, max: number): Promise<{ text: string; over: boolean }> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => undefined);
    return { text: '', over: true };
  }
  if (!res.body) return { text: '', over: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      chunks.push(value.subarray(0, value.byteLength - (size - max)));
      await reader.cancel().catch(() => undefined);
      return { text: Buffer.concat(chunks).toString('utf8'), over: true };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), over: false };
}

/** Renders a practitioner contact for a tester to type in. */
export function describeContact(c: PractitionerContact): string {
  return c.kind === 'practitioner'
    ? `${c.name.given} ${c.name.family}, ${c.role}, ${c.organisation}, tel ${c.phone}${c.email ? `, ${c.email}` : ''}`
    : `${c.teamName}, ${c.organisation}, tel ${c.phone}${c.email ? `, ${c.email}` : ''}`;
}

export function describeChild(c: ChildIdentity): string {
  const r = c.residence;
  const addr = r.status === 'current' || r.status === 'last-known' ? `${r.address.lines.join(', ')}, ${r.address.postcode}` : r.status;
  const ids = Object.entries(c.identifiers)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return `${c.name.given} ${c.name.family}, born ${c.dateOfBirth}, ${c.gender}, ${addr}${ids ? `; ${ids}` : ''}`;
}
