/**
 * The reference ICS's outbox: a message is recorded before it is sent and keeps its message ID for
 * every retry, so a lost acknowledgement can never make a duplicate. Retries back off exponentially,
 * wait as long as Retry-After says, and stop after a bounded number of attempts, leaving the message
 * reported as failed (not lost).
 */
import { randomUUID } from 'node:crypto';
import type { Variant } from './variants.js';

export interface Delivery {
  messageId: string;
  operation: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus?: number;
}

export interface Endpoint {
  baseUrl: string;
  token: string;
}

interface Job {
  delivery: Delivery;
  method: string;
  path: string;
  body?: Record<string, unknown>;
  onDelivered?: (response: unknown) => void;
}

export class Outbox {
  readonly deliveries: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  /** First retry after this long, doubling each time. */
  baseDelayMs = 150;
  /** How long to wait for an answer before abandoning a request (then retried like a dropped connection). */
  requestTimeoutMs = 500;
  maxAttempts = 4;

  constructor(
    /** Where a path goes (ContactPoint or National eCAF), as last configured. */
    private readonly endpoint: (path: string) => Endpoint | undefined,
    private readonly variants: ReadonlySet<Variant>,
  ) {}

  /** Queues a message; `onDelivered` gets the service's answer once it is accepted (e.g. a receipt to act on). */
  send(operation: string, method: string, path: string, body?: Record<string, unknown>, onDelivered?: (response: unknown) => void): Delivery {
    const messageId = (body?.messageId as string | undefined) ?? randomUUID();
    const delivery: Delivery = { messageId, operation, state: 'pending', attempts: 0 };
    this.deliveries.push(delivery);
    const job: Job = { delivery, method, path, ...(body ? { body } : {}), ...(onDelivered ? { onDelivered } : {}) };
    // A batching system: each message waits in the queue before its first attempt.
    if (this.variants.has('delayed-sending')) this.later(job, 1500);
    else void this.attempt(job);
    return delivery;
  }

  private later(job: Job, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(job);
    }, delayMs);
    this.timers.add(timer);
  }

  /** The request as this system writes it: its serialisation, content type and transfer encoding. */
  private request(job: Job, ep: Endpoint): { headers: Record<string, string>; body?: string | ReadableStream<Uint8Array> } {
    const v = this.variants;
    const toContactPoint = job.path.startsWith('/contactpoint/');
    const auth = v.has('basic-auth') ? `Basic ${Buffer.from(`ics:${ep.token}`).toString('base64')}` : `Bearer ${ep.token}`;
    if (!job.body) return { headers: { authorization: auth } };
    let text = JSON.stringify(v.has('reordered-keys') ? reverseKeys(job.body) : job.body);
    if (v.has('malformed-json') && toContactPoint) text = text.replace(/}$/, ',}');
    const plain =
      (v.has('wrong-content-type') && toContactPoint) || (v.has('transfer-wrong-content-type') && job.path.endsWith('/exchange/transfers'));
    const headers = { authorization: auth, 'content-type': plain ? 'text/plain' : 'application/json' };
    if (!v.has('chunked-bodies')) return { headers, body: text };
    const bytes = Buffer.from(text);
    // Two chunks and no Content-Length: the body arrives with Transfer-Encoding: chunked.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes.subarray(0, bytes.length >> 1));
        c.enqueue(bytes.subarray(bytes.length >> 1));
        c.close();
      },
    });
    return { headers, body: stream };
  }

  private async attempt(job: Job): Promise<void> {
    const ep = this.endpoint(job.path);
    if (!ep) {
      job.delivery.state = 'failed';
      return;
    }
    const d = job.delivery;
    d.attempts++;
    if (d.attempts > 1 && this.variants.has('new-message-id-on-retry') && job.body) job.body = { ...job.body, messageId: randomUUID() };
    let status: number;
    let retryAfter: number | undefined;
    let answer: unknown;
    try {
      const query = this.variants.has('token-in-query') ? `${job.path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(ep.token)}` : '';
      const req = this.request(job, ep);
      const res = await fetch(ep.baseUrl + job.path + query, {
        method: job.method,
        headers: req.headers,
        ...(req.body !== undefined ? { body: req.body, duplex: 'half' } : {}),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      status = res.status;
      const ra = res.headers.get('retry-after');
      if (ra !== null && /^\d+$/.test(ra)) retryAfter = Number(ra) * (this.variants.has('retry-after-as-ms') ? 1 : 1000);
      const text = await res.text();
      try {
        answer = text ? (JSON.parse(text) as unknown) : undefined;
      } catch {
        answer = text;
      }
    } catch {
      status = 0; // dropped connection or timeout: the message may or may not have been stored; retry with the same ID
    }
    d.lastStatus = status;
    if (status >= 200 && status < 300) {
      d.state = 'delivered';
      job.onDelivered?.(answer);
      return;
    }
    const retryable = (status === 0 && !this.variants.has('no-retry-after-drop')) || status === 429 || status >= 500;
    const forever = this.variants.has('retries-forever') || this.variants.has('slow-retries-forever');
    const limit = forever ? 60 : this.variants.has('over-budget-attempts') ? this.maxAttempts * 2 : this.maxAttempts;
    if (!retryable || d.attempts >= limit) {
      this.giveUp(d, retryable);
      return;
    }
    let delay = this.variants.has('no-backoff') ? this.baseDelayMs : this.baseDelayMs * 2 ** (d.attempts - 1);
    if (this.variants.has('jittered-backoff')) delay *= 0.75 + Math.random() * 0.25;
    if (this.variants.has('retries-forever')) delay = Math.min(delay, 200);
    if (this.variants.has('slow-retries-forever')) delay = 1500;
    if (this.variants.has('over-budget-attempts')) delay = 50;
    if (retryAfter !== undefined && !this.variants.has('ignores-retry-after')) delay = Math.max(delay, retryAfter);
    this.later(job, delay);
  }

  /** The message stays in the outbox, reported undelivered: failed, or parked for a later run. */
  private giveUp(d: Delivery, budgetSpent: boolean): void {
    if (budgetSpent && this.variants.has('forgets-undeliverable')) this.deliveries.splice(this.deliveries.indexOf(d), 1);
    else if (budgetSpent && this.variants.has('reports-delivered')) d.state = 'delivered';
    else if (budgetSpent && this.variants.has('keeps-undeliverable-pending')) d.state = 'pending';
    else d.state = 'failed';
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reverseKeys(x)]),
    );
  return v;
}
