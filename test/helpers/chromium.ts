/**
 * A real headless Chromium for the report tests: Debian's `chromium` package driven by
 * `playwright-core` (which downloads no browser), with a fresh profile per launch and no
 * background traffic of its own, so any request a page makes is the page's.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * `describe`, or, where Chromium is missing and this is not CI, `describe.skip` with a note: the
 * browser tests need Debian's chromium, which CI installs (in CI its absence fails them).
 */
export function describeWithChromium(name: string, fn: () => void): void {
  if (fs.existsSync(CHROMIUM) || process.env.CI === 'true') {
    describe(name, fn);
    return;
  }
  console.warn(`${name}: skipped, ${CHROMIUM} is missing (apt-get install -y chromium); in CI (CI=true) this fails.`);
  describe.skip(name, fn); // skipped for the reason just printed
}

/**
 * WebGL through SwiftShader, Chromium's CPU implementation of the GPU (these machines have no GPU):
 * tfjs's `webgl` backend then runs its shaders, with float32 render targets, as on a real GPU.
 */
const WEBGL_ARGS = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

export interface LaunchOptions {
  /** Enable WebGL (SwiftShader) instead of disabling the GPU. @default false */
  webgl?: boolean;
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} does not exist: install Debian's chromium package (apt-get install -y chromium); .ci/run does.`);
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'report-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', ...(options.webgl ? WEBGL_ARGS : ['--disable-gpu']), '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** What a page did while it was open: console errors, uncaught errors, requests, dialogs. */
export interface PageEvents {
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
  dialogs: string[];
}

/** Opens `file` at a window `width` px wide, recording everything the page does. */
export async function openFile(browser: Browser, file: string, width: number): Promise<{ page: Page; events: PageEvents }> {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const events: PageEvents = { consoleErrors: [], pageErrors: [], requests: [], dialogs: [] };
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') events.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => events.pageErrors.push(e.message));
  page.on('request', (r) => events.requests.push(r.url()));
  page.on('dialog', (d) => { events.dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(`file://${file}`, { waitUntil: 'load' });
  return { page, events };
}

/**
 * Share of a PNG's pixels that are not the background colour, and how many colours it has,
 * decoded by the browser itself (on a blank page).
 */
// Runs in the page; a string because the tests compile without the DOM library.
const INK_IN_PAGE = `async (base64) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + base64;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const g = canvas.getContext('2d');
  g.drawImage(image, 0, 0);
  const data = g.getImageData(0, 0, image.width, image.height).data;
  const background = (data[0] << 16) | (data[1] << 8) | data[2];
  const colours = new Set();
  let ink = 0;
  for (let i = 0; i < data.length; i += 4) {
    const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    colours.add(rgb);
    if (rgb !== background) ink++;
  }
  return { ink: ink / (data.length / 4), colours: colours.size };
}`;

export async function inkOf(browser: Browser, png: Buffer): Promise<{ ink: number; colours: number }> {
  const page = await browser.context.newPage();
  try {
    return await page.evaluate(`(${INK_IN_PAGE})(${JSON.stringify(png.toString('base64'))})`) as { ink: number; colours: number };
  } finally {
    await page.close();
  }
}
