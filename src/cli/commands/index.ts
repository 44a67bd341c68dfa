/**
 * The command list. Every command module here is loaded for any command line, --version and --help
 * included, so each keeps its top-level imports light: yargs types, node built-ins, plain lists (the
 * variant and reporter names). Whatever a handler needs beyond that it imports with `await import()`
 * when it runs (test/cli-startup.test.ts checks the heavy dependencies stay unloaded).
 */
import type { CommandModule } from 'yargs';
import { serveCommand } from './serve.js';
import { fixturesCommand } from './fixtures.js';
import { demoCommand } from './demo.js';
import { runCommand } from './run.js';
import { listCommand } from './list.js';
import { initCommand } from './init.js';
import { referenceIcsCommand } from './reference-ics.js';
import { driverOpenApiCommand } from './driver-openapi.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';
import { diffCommand } from './diff.js';
import { keygenCommand } from './keygen.js';
import { consoleCommand } from './console.js';
import { pdfCommand } from './pdf.js';

/** Every command; `setExit` lets a handler report its exit code without calling process.exit. */
export function commands(setExit: (code: number) => void): Array<CommandModule<object, never>> {
  return [
    demoCommand(setExit),
    runCommand(setExit),
    serveCommand(),
    consoleCommand(),
    listCommand(),
    validateCommand(setExit),
    verifyCommand(setExit),
    diffCommand(setExit),
    pdfCommand(setExit),
    keygenCommand(),
    initCommand(),
    fixturesCommand(),
    referenceIcsCommand(),
    driverOpenApiCommand(),
  ] as unknown as Array<CommandModule<object, never>>;
}
