/**
 * The exchange journal of a run as NDJSON with a hash chain: one line per exchange, in test order,
 * each carrying the hash of the line before it (`prevHash`) and its own (`hash`, SHA-256 over the
 * previous hash and the entry's canonical JSON). Changing, dropping or reordering a line breaks
 * the chain from there on.
 */
import type { RunResult } from '../model/result.js';
import type { Exchange } from '../engine/types.js';
import { canonicalJson, sha256 } from './hash.js';

export const JOURNAL_FILE = 'journal.ndjson';
/** prevHash of the first line. */
export const GENESIS_HASH = '0'.repeat(64);

export interface JournalLine extends Exchange {
  /** Position in the run's journal, from 1. */
  seq: number;
  /** The test the exchange belongs to. */
  test: string;
  prevHash: string;
  hash: string;
}

export function chainHash(prevHash: string, entry: Record<string, unknown>): string {
  return sha256(prevHash + canonicalJson(entry));
}

/** Builds the journal of a (prepared, masked) result. */
export function buildJournal(result: RunResult): { text: string; entries: number; head: string } {
  let prev = GENESIS_HASH;
  let seq = 0;
  const lines: string[] = [];
  for (const t of result.tests)
    for (const e of t.exchanges) {
      const entry = { seq: ++seq, test: t.id, ...e };
      const hash = chainHash(prev, entry);
      lines.push(JSON.stringify({ ...entry, prevHash: prev, hash }));
      prev = hash;
    }
  return { text: lines.map((l) => `${l}\n`).join(''), entries: seq, head: prev };
}

export interface ChainCheck {
  ok: boolean;
  entries: number;
  head: string;
  /** The first break found. */
  problem?: { line: number; message: string };
}

/** Walks the chain; reports the first line where it breaks. */
export function verifyJournal(text: string): ChainCheck {
  let prev = GENESIS_HASH;
  let n = 0;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [i, raw] of lines.entries()) {
    const line = i + 1;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { ok: false, entries: n, head: prev, problem: { line, message: 'not valid JSON' } };
    }
    const { prevHash, hash, ...entry } = parsed;
    if (prevHash !== prev)
      return { ok: false, entries: n, head: prev, problem: { line, message: `prevHash does not match the hash of line ${line - 1 || 'genesis'}` } };
    if (entry.seq !== line)
      return {
        ok: false,
        entries: n,
        head: prev,
        problem: { line, message: `seq ${String(entry.seq)} where ${line} was expected (a line was removed, added or moved)` },
      };
    const expected = chainHash(prev, entry);
    if (hash !== expected)
      return { ok: false, entries: n, head: prev, problem: { line, message: 'hash does not match the entry (the entry was changed)' } };
    prev = expected;
    n++;
  }
  return { ok: true, entries: n, head: prev };
}
