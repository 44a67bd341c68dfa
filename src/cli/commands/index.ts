import type { CommandModule } from 'yargs';
import { serveCommand } from './serve.js';
import { fixturesCommand } from './fixtures.js';

/** Every command; `setExit` lets a handler report its exit code without calling process.exit. */
export function commands(_setExit: (code: number) => void): Array<CommandModule<object, never>> {
  return [serveCommand(), fixturesCommand()] as unknown as Array<CommandModule<object, never>>;
}
