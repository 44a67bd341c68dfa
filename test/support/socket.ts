/** Raw HTTP over one socket, for what fetch cannot send: pipelined, split or malformed requests. */
import { connect } from 'node:net';

/**
 * Writes each piece in turn (a pause between them), then reads everything the server sends until the
 * socket closes: the server closes it, or this side ends it (`end`) or drops it after `destroyAfterMs`.
 */
export function socketExchange(url: string, pieces: string[], o: { pauseMs?: number; end?: boolean; destroyAfterMs?: number } = {}): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let got = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (got += d));
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const p of pieces) {
        socket.write(p);
        if (o.pauseMs) await new Promise((r) => setTimeout(r, o.pauseMs));
      }
      if (o.end) socket.end();
      if (o.destroyAfterMs !== undefined) setTimeout(() => socket.destroy(), o.destroyAfterMs);
    });
  });
}
