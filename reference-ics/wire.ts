/** How the reference ICS writes identifiers and times on the wire, per variant (shared by the feed and the eCAF module). */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Variant } from './variants.js';

/** A fresh message ID: a random UUID, or (other-id-scheme) an upper-case time-ordered one. */
export function newMessageId(variants: ReadonlySet<Variant>): string {
  if (!variants.has('other-id-scheme')) return randomUUID();
  const hex = Date.now().toString(16).padStart(12, '0') + randomBytes(10).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

/** When the message was produced, to the millisecond or (whole-second-timestamps) to the second. */
export function sentAtNow(variants: ReadonlySet<Variant>, now = new Date()): string {
  const iso = now.toISOString();
  return variants.has('whole-second-timestamps') ? iso.replace(/\.\d{3}Z$/, 'Z') : iso;
}
