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
  baseDelayMs = 60;
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
    void this.attempt({ delivery, method, path, ...(body ? { body } : {}), ...(onDelivered ? { onDelivered } : {}) });
    return delivery;
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
      const res = await fetch(ep.baseUrl + job.path + query, {
        method: job.method,
        headers: { authorization: `Bearer ${ep.token}`, ...(job.body ? { 'content-type': 'application/json' } : {}) },
        ...(job.body ? { body: JSON.stringify(job.body) } : {}),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      status = res.status;
      const ra = res.headers.get('retry-after');
      if (ra !== null && /^\d+$/.test(ra)) retryAfter = Number(ra) * 1000;
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
    const retryable = status === 0 || status === 429 || status >= 500;
    const limit = this.variants.has('retries-forever') ? 60 : this.maxAttempts;
    if (!retryable || d.attempts >= limit) {
      d.state = 'failed';
      return;
    }
    let delay = this.variants.has('no-backoff') ? this.baseDelayMs : this.baseDelayMs * 2 ** (d.attempts - 1);
    if (this.variants.has('retries-forever')) delay = Math.min(delay, 200);
    if (retryAfter !== undefined && !this.variants.has('ignores-retry-after')) delay = Math.max(delay, retryAfter);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(job);
    }, delay);
    this.timers.add(timer);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
