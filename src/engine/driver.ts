/**
 * How the harness makes the system under test act. HttpDriver speaks the driver API a vendor adds to
 * a test build; InteractiveDriver asks a tester at the terminal to do the same thing by hand.
 */
import type { ChildIdentity, PractitionerContact } from '../schemas/common.js';
import type { Configuration, Delivery, RecordInvolvement, SystemInfo } from '../driver-api/schemas.js';
import { DRIVER_BASE } from '../driver-api/schemas.js';
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
}

export type ExchangeSink = (e: Omit<Exchange, 'n'>) => void;

export class HttpDriver implements Driver {
  readonly mode = 'automated' as const;
  sink: ExchangeSink | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const url = this.baseUrl.replace(/\/$/, '') + path;
    const started = performance.now();
    const at = new Date().toISOString();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body !== undefined ? { 'content-type': 'application/json' } : {},
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new SutUnreachableError(`system under test unreachable at ${url}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text as it came
    }
    this.sink?.({
      direction: 'harness->sut',
      at,
      durationMs: Math.round(performance.now() - started),
      method,
      url: path,
      ...(body !== undefined ? { requestBody: body } : {}),
      status: res.status,
      ...(parsed !== undefined ? { responseBody: parsed } : {}),
    });
    return { status: res.status, body: parsed };
  }

  private async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const r = await this.call(method, path, body);
    if (r.status >= 400) throw new DriverError(`driver ${method} ${path} answered ${r.status}: ${JSON.stringify(r.body)}`, r.status, r.body);
    return r.body;
  }

  system(): Promise<SystemInfo> {
    return this.ok('GET', `${DRIVER_BASE}/system`);
  }
  async configure(cfg: Configuration): Promise<void> {
    await this.ok('PUT', `${DRIVER_BASE}/configuration`, cfg);
  }
  async registerChild(child: ChildIdentity): Promise<string> {
    return (await this.ok('POST', `${DRIVER_BASE}/children`, { child })).childRef;
  }
  async updateChild(childRef: string, child: ChildIdentity): Promise<void> {
    await this.ok('PUT', `${DRIVER_BASE}/children/${encodeURIComponent(childRef)}`, { child });
  }
  async recordInvolvement(childRef: string, inv: RecordInvolvement): Promise<string> {
    return (await this.ok('POST', `${DRIVER_BASE}/children/${encodeURIComponent(childRef)}/involvements`, inv)).involvementRef;
  }
  async endInvolvement(involvementRef: string, endDate: string): Promise<void> {
    await this.ok('POST', `${DRIVER_BASE}/involvements/${encodeURIComponent(involvementRef)}/end`, { endDate });
  }
  async setLeadProfessional(involvementRef: string, leadProfessional: boolean): Promise<void> {
    await this.ok('PUT', `${DRIVER_BASE}/involvements/${encodeURIComponent(involvementRef)}/lead-professional`, { leadProfessional });
  }
  async deliveries(): Promise<Delivery[]> {
    return (await this.ok('GET', `${DRIVER_BASE}/deliveries`)).deliveries;
  }
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
