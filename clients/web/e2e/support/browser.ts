// Debian's Chromium, headless, driven by playwright-core (no browser download), and what every
// test checks on every page: no console errors or warnings, no failed request, no error status.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startAppServer, type AppServer } from './server';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
export const NARROW_PHONE = { width: 360, height: 740 };

/** Where the screenshots go: e2e/screenshots/ (committed), or E2E_SCREENSHOTS (e.g. in CI). */
export const SCREENSHOTS = `${process.env.E2E_SCREENSHOTS?.replace(/\/$/, '') ?? fileURLToPath(new URL('../screenshots', import.meta.url))}/`;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root needs --no-sandbox; the machine has no network, so nothing runs in the background.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** What one test file runs against: its server, one browser, and a desktop session. */
export interface E2eRun {
  server: AppServer;
  browser: Browser;
  session: Session;
}

/**
 * Registers the hooks of one test file: a server started with `env` (and `seed`ed through its
 * API), one browser with a desktop session, every step checked for problems, both stopped at
 * the end. The fields are set once `beforeAll` has run.
 */
export function e2eRun(env: Record<string, string>, seed?: (server: AppServer) => Promise<void>): E2eRun {
  const run = {} as E2eRun;
  beforeAll(async () => {
    run.server = await startAppServer(env);
    await seed?.(run.server);
    run.browser = await launchBrowser();
    run.session = await openSession(run.browser, run.server, DESKTOP);
  });
  afterEach(() => expectNoProblems(run.session));
  afterAll(async () => {
    // Unset when beforeAll failed half-way.
    /* eslint-disable @typescript-eslint/no-unnecessary-condition */
    await run.browser?.close();
    await run.server?.stop();
    /* eslint-enable @typescript-eslint/no-unnecessary-condition */
  });
  return run;
}

export interface Session {
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings, page errors, failed requests and 4xx/5xx answers, as they came. */
  problems: string[];
}

export async function openSession(browser: Browser, server: AppServer, viewport = DESKTOP): Promise<Session> {
  const context = await browser.newContext({
    baseURL: server.appUrl,
    viewport,
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(10_000);
  if (server.appFromDisk) await serveAppFromDisk(context, server.appUrl);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`console.${message.type()}: ${message.text()} (${message.location().url})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => {
    const error = request.failure()?.errorText ?? '';
    // TanStack Query aborts a fetch whose screen was left before it answered: not a failure.
    if (error === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${error}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  return { context, page, problems };
}

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/**
 * E2E_APP_FROM_DISK=1 (./server.ts): the app's files come from dist/ and a page load gets its
 * index.html, with the server's own headers (its Content-Security-Policy included); the API,
 * `/app-config.json` and everything else still come from the server.
 */
async function serveAppFromDisk(context: BrowserContext, appUrl: string): Promise<void> {
  await context.route(
    (url) => url.origin === new URL(appUrl).origin && !url.pathname.startsWith('/api/'),
    async (route) => {
      const request = route.request();
      const path = new URL(request.url()).pathname;
      const file = `${DIST}${path.slice(1)}`;
      if (path !== '/' && existsSync(file) && statSync(file).isFile()) {
        const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
        return route.fulfill({ status: 200, contentType: type, body: readFileSync(file) });
      }
      if (request.resourceType() === 'document') {
        const response = await route.fetch();
        const type = response.headers()['content-type'] as string | undefined;
        if (type?.startsWith('text/html')) {
          return route.fulfill({ response, body: readFileSync(`${DIST}index.html`, 'utf8') });
        }
        return route.fulfill({ response });
      }
      return route.continue();
    },
  );
}

/** Nothing went wrong in the browser so far (checked after every step). */
export function expectNoProblems(session: Session): void {
  expect(session.problems, 'console errors, failed requests or error statuses').toEqual([]);
}

/** The page is no wider than the viewport: nothing scrolls sideways. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, `page width at a ${innerWidth} px viewport`).toBeLessThanOrEqual(innerWidth);
}

/** No serious or critical axe-core violation (WCAG 2.x A/AA and best practices). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // A button just enabled fades its colours for 0.15 s: measured halfway, its contrast fails.
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => !(a instanceof CSSTransition) || a.playState === 'finished'),
  );
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe-core on ${screen}`).toEqual([]);
  const minor = results.violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  expect(
    minor.map((v) => `${v.impact ?? ''}: ${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe-core (moderate, minor) on ${screen}`,
  ).toEqual([]);
}

/** Writes e2e/screenshots/<name>.png (the whole page, animations stopped). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // From the top, so the sticky header is where a visitor first sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true, animations: 'disabled', caret: 'hide' });
}

/** Signs in through the development issuer's form; resolves once the app shows (at the same URL). */
export async function signIn(page: Page, userId: string): Promise<void> {
  await page.getByLabel('User id').fill(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel(`Account menu of ${userId}`).waitFor();
}

/** The development session's token, as the app keeps it. */
export async function sessionToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => {
    const stored = sessionStorage.getItem('challenger.devSession');
    return stored ? (JSON.parse(stored) as { token: string }).token : null;
  });
  if (!token) throw new Error('no development session in sessionStorage');
  return token;
}
