/**
 * Preload for `node --import`: records every module the process loads and, on exit, writes their
 * file URLs (one a line) to $ICS_MODULE_LOG. ES modules are seen by a resolve hook (./module-log-hooks.mjs,
 * which runs on the loader thread and posts each URL back); CommonJS ones (express, ajv, better-sqlite3...)
 * are read from the require cache, which also holds those an ES module imported.
 */
import { createRequire, register } from 'node:module';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const out = process.env.ICS_MODULE_LOG;
if (!out) throw new Error('module-log.mjs: set ICS_MODULE_LOG to the file to write');

const { port1, port2 } = new MessageChannel();
port1.unref();
register('./module-log-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

process.on('exit', () => {
  const urls = new Set();
  for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) urls.add(m.message);
  for (const file of Object.keys(createRequire(import.meta.url).cache)) urls.add(pathToFileURL(file).href);
  writeFileSync(out, [...urls].join('\n') + '\n');
});
