/**
 * Express's own ceiling: the same route answered 202 without reading the body (node discards it).
 * Run as a child process by the ingest benchmark; prints its URL.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.post('/contactpoint/v1/involvements', (_req, res) => {
  res.status(202).end();
});
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)));
