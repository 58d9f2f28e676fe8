import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { OpsError, oneLine } from '../contracts/ops-error.js';

/** Flags for a quiet, offline, sandbox-free headless Chromium (CI runs as root in a container). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];

/** Debian's Chromium unless `CHROMIUM_PATH` names another build (never a downloaded one). */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Fails with an OpsError that says how to install Chromium unless `executablePath` can run. */
export async function assertChromium(executablePath = chromiumPath()): Promise<void> {
  try {
    await access(executablePath, constants.X_OK);
  } catch (cause) {
    throw new OpsError(
      'DASHBOARD_NO_CHROMIUM',
      `no Chromium at ${executablePath}`,
      'install chromium (apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium executable',
      { cause },
    );
  }
}

/** Starts headless Chromium, or fails with an OpsError that says how to install it. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  await assertChromium(executablePath);
  // playwright-core loads here, not with the module: most `ops` commands never print (~0.4 s).
  const { chromium } = await import('playwright-core');
  // Playwright's own signal handlers would close the browser under the page being printed (a
  // print failure, exit 1) and, on SIGTERM, not end the process: `printDashboard`'s caller
  // closes it and ends the process by the signal, as `ops` does with every process it runs.
  try {
    return await chromium.launch({
      executablePath,
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (cause) {
    // Playwright's message goes on with its call log, in colour: its first line says what failed
    throw new OpsError(
      'DASHBOARD_NO_CHROMIUM',
      `Chromium at ${executablePath} did not start: ${oneLine((cause as Error).message)}`,
      `check that it is Chromium and starts (\`${executablePath} --headless --version\`; on a busy machine it may time out: retry); install it with apt-get install -y chromium, or set CHROMIUM_PATH`,
      { cause },
    );
  }
}

/** A4 landscape in CSS pixels (96 dpi), so the print layout the charts measure is the paper's. */
const A4_LANDSCAPE = { width: 1123, height: 794 };
const SCREEN = { width: 1360, height: 900 };

/**
 * Opens the dashboard file in a fresh context that refuses every request but the file itself and
 * data: URLs, waits for the chart script's ready flag, and fails on any console error, page error
 * or blocked request (any of them means the printed page would be wrong).
 */
async function openDashboard(browser: Browser, htmlFile: string): Promise<Page> {
  const fileUrl = pathToFileURL(htmlFile).href;
  const context = await browser.newContext({ viewport: SCREEN });
  const problems: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url === fileUrl || url.startsWith('data:')) return route.continue();
    problems.push(`blocked request to ${url}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(fileUrl);
  await page
    .waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 })
    .catch(() => {
      problems.push('the chart script never finished');
    });
  if (problems.length) {
    throw new OpsError(
      'DASHBOARD_RENDER_FAILED',
      `the dashboard page failed in Chromium: ${problems.join('; ')}`,
      'open index.html in a browser and check its console',
    );
  }
  return page;
}

/** Number of pages in a PDF: its `/Type /Page` objects (Chromium writes them uncompressed). */
export const pdfPageCount = (pdf: Uint8Array): number =>
  (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page(?![a-z])/g) ?? []
  ).length;

/**
 * Prints the dashboard: an A4 landscape PDF (print CSS: one section per page) and a full-page PNG
 * screenshot of the screen layout. Returns the bytes; the caller writes them atomically.
 */
export async function printDashboard(
  htmlFile: string,
  stopOnSignal?: (stop: () => Promise<void>) => () => void,
): Promise<{ pdf: Buffer; png: Buffer; pages: number }> {
  const browser = await launchChromium();
  const unregister = stopOnSignal?.(() => browser.close());
  try {
    const page = await openDashboard(browser, htmlFile);
    const png = await page.screenshot({ fullPage: true, type: 'png' });
    // re-lay the same page out for paper and let the charts refit (their resize handler runs
    // synchronously inside dispatchEvent), instead of loading the 1 MB page a second time
    await page.setViewportSize(A4_LANDSCAPE);
    await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.dispatchEvent(new Event('resize')));
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    return { pdf, png, pages: pdfPageCount(pdf) };
  } finally {
    try {
      await browser.close();
    } finally {
      unregister?.();
    }
  }
}
