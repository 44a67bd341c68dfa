/**
 * The CLI: one yargs command module per file in ./commands; handlers only call the programmatic API.
 * Start-up stays light: this file and the command modules import only what declaring the commands
 * needs; each handler imports its heavy code (servers, engine, suites, reporters) when it runs.
 */
import yargs from 'yargs';
import { commands } from './commands/index.js';
import { VERSION } from '../platform/version.js';
import { ConfigError } from '../harness/model/config-error.js';
import { terminalSafe } from '../platform/terminal.js';

/** Exit codes (README): 0 pass, 1 a conformance failure, 2 usage or configuration error or an INCOMPLETE/PARTIAL verdict, 3 SUT unreachable or harness error. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, HARNESS: 3 } as const;

/** Bad command line: yargs' message, exit code 2. */
class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.OK;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const parser = yargs(argv)
    .scriptName('ics-conformance')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg, err) => {
      if (err) throw err;
      // Throw, not just report: otherwise yargs goes on to run the command with the bad arguments.
      throw new UsageError(msg);
    });
  for (const c of commands(setExit)) parser.command(c);
  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      console.error('Run with --help for usage.');
      return EXIT.USAGE;
    }
    // An error's message can quote the system under test: terminal-safe, like everything it says.
    console.error(`ics-conformance: ${terminalSafe(err instanceof Error ? err.message : String(err), 1000)}`);
    // Configuration mistakes are usage errors (2); anything else is the harness's own failure (3).
    return err instanceof ConfigError ? EXIT.USAGE : exitCode === EXIT.OK ? EXIT.HARNESS : exitCode;
  }
  return exitCode;
}
