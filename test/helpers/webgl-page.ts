/**
 * A page on tfjs's `webgl` backend in headless Chromium (SwiftShader): tfjs's own dist/tf.min.js
 * and the given scripts, loaded from file:// (no network), with the backend checked to be webgl
 * for real (tfjs falls back to cpu silently when WebGL fails).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { bundleForBrowser } from '../../scripts/build-browser';
import { openFile, type Browser, type PageEvents } from './chromium';

export const TFJS_SCRIPT = require.resolve('@tensorflow/tfjs/dist/tf.min.js');

/** The tfjs flags that decide how webgl stores and reduces floats. */
export interface WebglFlags {
  WEBGL_VERSION: number;
  WEBGL_PACK: boolean;
  WEBGL_RENDER_FLOAT32_ENABLED: boolean;
  WEBGL_FORCE_F16_TEXTURES: boolean;
}

const FLAG_NAMES: (keyof WebglFlags)[] = ['WEBGL_VERSION', 'WEBGL_PACK', 'WEBGL_RENDER_FLOAT32_ENABLED', 'WEBGL_FORCE_F16_TEXTURES'];

/**
 * Bundles a module of the project for the page (the browser build's configuration), as a script
 * that defines the global `name` from the module's exports.
 */
export async function bundleScript(entry: string, name: string, dir: string): Promise<string> {
  const outfile = path.join(dir, `${name}.js`);
  await bundleForBrowser({ entry, outfile, format: 'iife', globalName: name });
  return outfile;
}

/**
 * Opens a page that loads tfjs and `scripts`, sets the webgl backend (with `flags` set before
 * it starts) and checks that it took. Returns the page, its events and the flags in effect.
 */
export async function openWebglPage(browser: Browser, dir: string, scripts: string[], flags: Partial<WebglFlags> = {}):
  Promise<{ page: Page; events: PageEvents; flags: WebglFlags }> {
  const html = path.join(dir, `page-${fs.readdirSync(dir).length}.html`);
  const tags = [TFJS_SCRIPT, ...scripts].map((s) => `<script src="file://${s}"></script>`).join('\n');
  fs.writeFileSync(html, `<!doctype html>\n<html><head><meta charset="utf-8"><title>webgl</title></head><body>\n${tags}\n</body></html>\n`);
  const { page, events } = await openFile(browser, html, 800);
  const state = await page.evaluate(`(async () => {
    const flags = ${JSON.stringify(flags)};
    for (const [k, v] of Object.entries(flags)) tf.env().set(k, v);
    const ok = await tf.setBackend('webgl');
    await tf.ready();
    const names = ${JSON.stringify(FLAG_NAMES)};
    return { ok, backend: tf.getBackend(), flags: Object.fromEntries(names.map((k) => [k, tf.env().get(k)])) };
  })()`) as { ok: boolean; backend: string; flags: WebglFlags };
  if (!state.ok || state.backend !== 'webgl') {
    throw new Error(`tfjs did not start its webgl backend in Chromium (setBackend gave ${state.ok}, backend ${state.backend}): events ${JSON.stringify(events)}`);
  }
  return { page, events, flags: state.flags };
}
