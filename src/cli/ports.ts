/** A listen failure in words that name the port and the flag that changes it (run --mock-port, serve/console --port). */
import { ConfigError } from '../harness/model/config-error.js';

export function listenFailure(err: unknown, host: string | undefined, port: number, flag: string): unknown {
  const code = (err as { code?: unknown } | undefined)?.code;
  const where = `${host ?? '127.0.0.1'}:${port}`;
  if (code === 'EADDRINUSE')
    return new ConfigError(
      `port ${port} is in use (EADDRINUSE on ${where}): stop what holds it, or choose another port with ${flag} (${flag} 0: any free port)`,
    );
  if (code === 'EACCES')
    return new ConfigError(`port ${port} needs privileges this user lacks (EACCES on ${where}): choose a port above 1023 with ${flag}`);
  if (code === 'EADDRNOTAVAIL') return new ConfigError(`cannot listen on ${where} (EADDRNOTAVAIL): ${host} is not an address of this machine`);
  return err;
}
