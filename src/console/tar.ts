/**
 * A run directory as one ustar archive, so the bundle downloads as a single file that `tar -xf`
 * unpacks and `ics-conformance verify` then checks. Bundles are flat and small: no dependency needed.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFiles } from '../harness/evidence/bundle.js';

function header(name: string, size: number, mtime: number): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text.slice(0, len), at, len, 'utf8');
  const octal = (n: number, len: number) => n.toString(8).padStart(len - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(mtime / 1000), 12), 136, 12);
  h.fill(' ', 148, 156);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** The files of `dir` under `prefix/` in a tar archive. Names longer than ustar's 100 bytes are refused. */
export async function tarDirectory(dir: string, prefix: string): Promise<Buffer> {
  const { files } = await listFiles(dir);
  const parts: Buffer[] = [];
  const now = Date.now();
  for (const f of files.sort()) {
    const name = `${prefix}/${f}`;
    if (Buffer.byteLength(name) > 100) throw new Error(`${name}: name too long for the archive`);
    const body = await readFile(join(dir, f));
    parts.push(header(name, body.byteLength, now), body, Buffer.alloc((512 - (body.byteLength % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
