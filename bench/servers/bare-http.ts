/**
 * The machine's ceiling: a bare node:http server that reads the whole body and JSON.parses it, then
 * answers 202 with a small JSON receipt. Run as a child process by the ingest benchmark; prints its URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let status = 202;
    let id = '';
    try {
      id = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messageId?: unknown }).messageId);
    } catch {
      status = 400;
    }
    const body = JSON.stringify({ ok: status === 202, messageId: id });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
