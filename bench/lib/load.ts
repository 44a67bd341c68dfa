/** The load generator: autocannon, programmatic, one distinct valid body per request. */
import { benchTools } from './tools.js';
import { involvementNdjson } from '../../fixtures/population.js';

/**
 * Pre-generated, distinct, valid InvolvementMessages (distinct children, source records and message
 * IDs) as Buffers, so producing a request costs the load generator nothing but a copy. Past the end
 * of the pool a body is reused with a fresh message ID (then it is an update of a source record the
 * mock already holds): every request still carries a message ID never sent before.
 */
export class BodyPool {
  private readonly bodies: Buffer[] = [];
  private readonly idOffset: number;

  constructor(size: number, seed = 7001) {
    for (const line of involvementNdjson({ count: size, seed })) this.bodies.push(Buffer.from(line.trimEnd(), 'utf8'));
    const first = this.bodies[0]!.toString('utf8', 0, 64);
    if (!first.startsWith('{"messageId":"')) throw new Error('unexpected message layout: messageId must come first');
    this.idOffset = '{"messageId":"'.length;
  }

  get size(): number {
    return this.bodies.length;
  }

  /** A cursor over the pool: the n-th body it hands out is unique for n < 2^32 * pool size. */
  cursor(): () => Buffer {
    let n = 0;
    return () => {
      const i = n % this.bodies.length;
      const round = Math.floor(n / this.bodies.length);
      n++;
      const body = this.bodies[i]!;
      if (round === 0) return body;
      // A UUID's first 8 hex digits replaced by the round number: still a UUID, never seen before.
      const copy = Buffer.from(body);
      copy.write(round.toString(16).padStart(8, '0'), this.idOffset, 'latin1');
      return copy;
    };
  }
}

export interface LoadFigures {
  subject: string;
  /** Mean of the per-second request counts. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  statusCodes: Record<string, number>;
  /** Filled by the caller when it can read the server's CPU time (bench/ingest.ts). */
  cpuUsPerRequest?: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  body: () => Buffer;
}

/** The part of autocannon's programmatic API the bench uses (autocannon is fetched on first use: lib/tools.ts). */
interface AutocannonRequest {
  method: string;
  body?: Buffer;
}
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count?: number }>;
}
type Autocannon = (opts: {
  url: string;
  method: string;
  connections: number;
  duration: number;
  timeout: number;
  headers: Record<string, string>;
  requests: { method: string; setupRequest: (req: AutocannonRequest) => AutocannonRequest }[];
}) => Promise<AutocannonResult>;

let autocannonFn: Autocannon | undefined;

export async function load(subject: string, o: LoadOptions): Promise<LoadFigures> {
  autocannonFn ??= benchTools((line) => console.error(line))('autocannon') as Autocannon;
  const r = await autocannonFn({
    url: o.url,
    method: 'POST',
    connections: o.connections,
    duration: o.durationS,
    timeout: 10,
    headers: o.headers,
    requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: o.body() }) }],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) statusCodes[code] = s.count ?? 0;
  return {
    subject,
    rps: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    durationS: r.duration,
    statusCodes,
  };
}
