/**
 * The HTML report opened in a real headless Chromium, made by the CLI from real `fit` histories:
 * no console errors and no request beyond the file itself, every chart present and drawn, a
 * screenshot with something on it at a wide and a narrow width, the filter box on a model with
 * over 100 weights, and hostile names that stay text.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import type { HistoryDocument } from '../../src';
import { inkOf, launchChromium, openFile, type Browser, type PageEvents } from '../helpers/chromium';
import { HOSTILE_LAYER, HOSTILE_WEIGHT, MANY_LAYERS, writeRealHistories } from '../helpers/real-histories';
import { runCli } from '../helpers/run-cli';
import { expectNoLeaks } from '../helpers/tensor-leaks';

let dir: string;
let browser: Browser;
let reports: Record<'diverging' | 'twoFits' | 'hostile' | 'many', string>;
const histories: Partial<Record<keyof typeof reports, HistoryDocument>> = {};

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-chromium-'));
  const files = await writeRealHistories(dir, ['diverging', 'twoFits', 'hostile', 'many']);
  reports = {} as typeof reports;
  for (const [kind, file] of Object.entries(files) as [keyof typeof reports, string][]) {
    const html = path.join(dir, `${kind}.html`);
    expect(runCli(['report', file, '-o', html])).toMatchObject({ status: 0, stderr: '' });
    reports[kind] = html;
    histories[kind] = JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
expectNoLeaks();

interface ChartInfo { weight: string | null; caption: string; drawn: number; width: number; height: number }
interface SectionInfo { name: string; open: boolean; hidden: boolean }

// Page-side code as strings: the tests compile without the DOM library.
const CHARTS = `[...document.querySelectorAll('svg.chart')].map((svg) => ({
  weight: svg.closest('details.weight')?.querySelector('.wname')?.textContent ?? null,
  caption: svg.closest('figure')?.querySelector('figcaption')?.firstChild?.textContent?.trim() ?? 'timeline',
  drawn: [...svg.querySelectorAll('polyline, circle, .cells path, rect.warn, rect.error, rect.info')]
    .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 || r.height > 0; }).length,
  width: svg.getBoundingClientRect().width, height: svg.getBoundingClientRect().height,
}))`;
const SECTIONS = `[...document.querySelectorAll('details.weight')].map((d) => ({
  name: d.querySelector('.wname').textContent, open: d.open, hidden: d.getBoundingClientRect().height === 0,
}))`;

async function open(kind: keyof typeof reports, width = 1280): Promise<{ page: Page; events: PageEvents }> {
  return openFile(browser, reports[kind], width);
}

function expectQuiet(events: PageEvents, file: string): void {
  expect(events).toEqual({ consoleErrors: [], pageErrors: [], requests: [`file://${file}`], dialogs: [] });
}

async function expectInk(page: Page): Promise<void> {
  const { ink, colours } = await inkOf(browser, await page.screenshot({ fullPage: true }));
  expect(ink).toBeGreaterThan(0.05);
  expect(colours).toBeGreaterThan(30);
}

describe('a run with alerts', () => {
  it('opens with no console error and no request, alert timeline and alerted layers first', async () => {
    const { page, events } = await open('diverging');
    const h = histories.diverging!;
    const headings = await page.locator('h2').allTextContents();
    expect(headings).toEqual(['Alert timeline', 'Layers and census', 'Weights']);
    const rows = new Set(h.alerts.filter((a) => a.status === 'started').map((a) => `${a.weight} ${a.kind}`));
    const labels = await page.locator('.tl-row:not(.tl-axis) .tl-label').allTextContents();
    expect(new Set(labels.map((l) => l.split(' epoch')[0]))).toEqual(rows);
    expect(await page.locator('tbody tr.alerted td').first().textContent()).toBe('regression');
    await expectInk(page);
    expectQuiet(events, reports.diverging);
    await page.close();
  });

  it('draws every chart of every weight, the non-finite counts included', async () => {
    const { page, events } = await open('diverging');
    await page.click('#expand');
    const charts = await page.evaluate(CHARTS) as ChartInfo[];
    for (const chart of charts) {
      expect([chart.weight, chart.caption, chart.drawn > 0, chart.width > 100, chart.height > 10])
        .toEqual([chart.weight, chart.caption, true, true, true]);
    }
    // std and l2Norm of an exploding weight switch to a log axis; the caption says so
    const kinds = ['Mean, min, max', 'Standard deviation', 'L2 norm', 'Relative drift (log scale)', 'Non-finite elements',
      'Distribution over epochs (darker: more elements)'];
    for (const w of histories.diverging!.weights) {
      const captions = charts.filter((c) => c.weight === w.name).map((c) => c.caption.replace(' (log scale)', ''));
      expect(captions).toEqual(expect.arrayContaining(kinds.map((k) => k.replace(' (log scale)', ''))));
    }
    expect(charts.map((c) => c.caption)).toEqual(expect.arrayContaining(['Standard deviation (log scale)', 'L2 norm (log scale)']));
    // the history kept only some snapshots whole: the heat map says so
    const h = histories.diverging!;
    expect(h.snapshots.length).toBeLessThan(h.series.epoch.length);
    expect(await page.locator('.note', { hasText: `histograms of ${h.snapshots.length} of ${h.series.epoch.length} snapshots` }).count())
      .toBe(h.weights.length);
    expect(charts.filter((c) => c.caption === 'timeline').length).toBe(await page.locator('.tl-row:not(.tl-axis)').count());
    expectQuiet(events, reports.diverging);
    await page.close();
  });
});

describe('a history of two fit calls', () => {
  it('marks where the second fit began and reads well in a narrow window', async () => {
    const { page, events } = await open('twoFits', 390);
    expect(await page.locator('p.muted').first().textContent()).toContain('2 fit calls, epochs 0-5, 6 snapshots');
    const lineCharts = await page.locator('details.weight svg.chart:not(.heat)').count();
    expect(lineCharts).toBeGreaterThan(0);
    expect(await page.locator('details.weight svg.chart line.mark').count()).toBe(lineCharts);
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBe(0);
    await expectInk(page);
    expectQuiet(events, reports.twoFits);
    await page.close();
  });
});

describe('a model with over 100 weights', () => {
  it('opens collapsed and filters weights by name', async () => {
    const { page, events } = await open('many');
    const all = await page.evaluate(SECTIONS) as SectionInfo[];
    expect(all.length).toBe(2 * MANY_LAYERS);
    expect(all.filter((s) => s.open).length).toBeLessThanOrEqual(12);
    await page.fill('#filter', '_12/');
    const shown = (await page.evaluate(SECTIONS) as SectionInfo[]).filter((s) => !s.hidden).map((s) => s.name);
    const expected = histories.many!.weights.map((w) => w.name).filter((n) => n.includes('_12/'));
    expect(shown.sort()).toEqual(expected.sort());
    expect(await page.locator('#shown').textContent()).toBe(`${expected.length} of ${all.length} weights`);
    await page.click('#expand');
    expect((await page.evaluate(SECTIONS) as SectionInfo[]).filter((s) => s.open).map((s) => s.name).sort())
      .toEqual(expect.arrayContaining(expected.sort()));
    expectQuiet(events, reports.many);
    await page.close();
  });
});

describe('hostile names', () => {
  it('stay text: no script runs, no image loads, the names read as written', async () => {
    const { page, events } = await open('hostile');
    await page.click('#expand');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('details.weight svg[onload], svg svg').count()).toBe(0);
    expect(await page.locator('.wname').allTextContents()).toContain(HOSTILE_WEIGHT);
    expect(await page.locator('tbody td').first().textContent()).toBe(HOSTILE_LAYER);
    const html = fs.readFileSync(reports.hostile, 'utf8');
    expect(html).not.toContain(HOSTILE_WEIGHT);
    expect(html).not.toContain(HOSTILE_LAYER);
    expectQuiet(events, reports.hostile);
    await page.close();
  });
});
