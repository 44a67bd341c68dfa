/**
 * report.html to PDF with the system's own Chromium or Chrome (no browser is bundled): the
 * report's print stylesheet makes the pages A4 with the running header (system, run ID, verdict)
 * and "Page n of N" (decision 0027); Chromium's own header and footer (date, URL) are turned off.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where Debian, Ubuntu, Fedora, macOS and Windows put Chromium or Chrome. */
export const BROWSER_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];

/** The browser to print with: the one named (flag, then CHROME_PATH), else the first installed. */
export function findBrowser(named?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = named ?? env.CHROME_PATH;
  if (chosen) return existsSync(chosen) ? chosen : undefined;
  return BROWSER_CANDIDATES.find((p) => existsSync(p));
}

/** Prints `html` (a file) to `out`. Rejects with the browser's last words if no PDF came of it. */
export async function printPdf(html: string, out: string, browser: string, timeoutMs = 120_000): Promise<void> {
  // A profile of its own: the user's browser profile is neither read nor changed.
  const profile = await mkdtemp(join(tmpdir(), 'ics-pdf-'));
  const args = [
    '--headless',
    '--disable-gpu',
    '--disable-background-networking',
    '--no-first-run',
    '--no-default-browser-check',
    '--no-pdf-header-footer',
    `--user-data-dir=${profile}`,
    `--print-to-pdf=${out}`,
    // Chromium will not start as root with its sandbox (containers, CI): the page is our own report under its CSP.
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    pathToFileURL(html).href,
  ];
  try {
    await rm(out, { force: true });
    const stderr = await new Promise<string>((resolve, reject) => {
      const proc = spawn(browser, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      proc.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      proc.on('close', () => {
        clearTimeout(timer);
        resolve(err);
      });
    });
    const pdf = existsSync(out) ? await readFile(out) : undefined;
    if (!pdf || pdf.subarray(0, 5).toString('latin1') !== '%PDF-')
      throw new Error(`${browser} wrote no PDF${stderr.trim() ? `:\n${stderr.trim().split('\n').slice(-5).join('\n')}` : ''}`);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
