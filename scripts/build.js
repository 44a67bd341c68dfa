#!/usr/bin/env node
/* global setInterval, clearInterval */
/**
 * `npm run build` (and so `npm ci`'s prepare step): tsc into dist/, with a line before, a line every
 * 10 s while it runs and a line after, because tsc is silent for the 15-30 s it takes and a silent
 * install looks hung. `--bench` also compiles bench/ (only `npm run bench` needs it).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const bench = process.argv.includes('--bench');
const project = bench ? 'tsconfig.bench.json' : 'tsconfig.build.json';
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const started = Date.now();
const seconds = () => ((Date.now() - started) / 1000).toFixed(1);

console.log(`ics-conformance: compiling TypeScript into dist/${bench ? ' (with the benchmarks)' : ''} with tsc -p ${project}...`);
const tick = setInterval(() => console.log(`ics-conformance: still compiling (${seconds()} s)`), 10_000);
const child = spawn(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  clearInterval(tick);
  if (code === 0) console.log(`ics-conformance: built dist/ in ${seconds()} s`);
  else console.error(`ics-conformance: tsc failed (${signal ?? `exit ${code}`}) after ${seconds()} s`);
  process.exit(code ?? 1);
});
