/**
 * What the browser tests share (tests only): Debian's Chromium and its flags, building the page
 * with Vite into a temporary folder, opening it offline (every request off the local server is
 * blocked), and waiting for a run to finish.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import type { DemoRecord } from '../../src/demo-model/index.js';

export const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The flags of every test browser; `--disable-gpu` keeps WebGL on SwiftShader and gives WebGPU no adapter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
];
/** A page run can take a while on 2 busy cores. */
export const RUN_TIMEOUT_MS = 300_000;

/** Throws the set-up hint when Chromium is missing. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`bash scripts/setup.sh\` (it installs Debian's chromium), or set CHROMIUM_PATH`);
  }
}

/** Builds the page with Vite into a fresh temporary folder and returns it. */
export async function buildPage(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'hrnet-playground-'));
  await build({ configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/**
 * A new page on `origin` that may load nothing else, collecting uncaught page errors into
 * `pageErrors`; resolves once the page has loaded the demo weights and finished its first run.
 */
export async function openPage(browser: Browser, origin: string, pageErrors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  // Nothing but the local server: the page must work offline.
  await page.route('**/*', (route) => (route.request().url().startsWith(`${origin}/`) ? route.continue() : route.abort()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window.__hrnet?.runs ?? 0) > 0, undefined, { timeout: RUN_TIMEOUT_MS });
  return page;
}

/** What the page shows after a run: status, error, record. */
export interface RunOutcome {
  status: string | undefined;
  error: string | null;
  record: DemoRecord | null;
}

/** Does `action`, then waits until the page has finished one more run; returns what it shows. */
export async function afterRunOutcome(page: Page, action: () => Promise<unknown>): Promise<RunOutcome> {
  const before = await page.evaluate(() => window.__hrnet?.runs ?? 0);
  await action();
  await page.waitForFunction((n) => (window.__hrnet?.runs ?? 0) > n && ['done', 'error'].includes(document.body.dataset.status ?? ''), before, { timeout: RUN_TIMEOUT_MS });
  return page.evaluate(() => ({ status: document.body.dataset.status, error: window.__hrnet?.error ?? null, record: window.__hrnet?.record ?? null }));
}
