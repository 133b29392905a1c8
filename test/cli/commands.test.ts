/**
 * The CLI's four commands in child processes, on histories from real `model.fit` runs: a healthy
 * MLP, a diverging regression (alerts), and one monitor across two `fit` calls. Outputs are
 * checked against what the history files hold.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Alert, HistoryDocument } from '../../src';
import { writeRealHistories } from '../helpers/real-histories';
import { runCli } from '../helpers/run-cli';
import { expectNoLeaks } from '../helpers/tensor-leaks';

let dir: string;
let files: { healthy: string; diverging: string; twoFits: string };
const read = (file: string): HistoryDocument => JSON.parse(fs.readFileSync(file, 'utf8'));
const started = (h: HistoryDocument) => h.alerts.filter((a) => a.status === 'started');
const last = (h: HistoryDocument) => h.snapshots[h.snapshots.length - 1];

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-commands-'));
  files = await writeRealHistories(dir, ['healthy', 'diverging', 'twoFits']);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
expectNoLeaks();

describe('summary', () => {
  it('prints the census, the layers and one row per weight', () => {
    const h = read(files.healthy);
    const { status, stdout, stderr } = runCli(['summary', 'healthy.json'], dir);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const lines = stdout.split('\n');
    const total = h.model.totalParams.toLocaleString('en-US');
    expect(lines[0]).toBe(`model ${h.model.name}: ${total} params (${total} trainable, 0 non-trainable)`);
    expect(lines[1]).toBe('1 fit call, epochs 0-5, 6 snapshots; alerts: 0 error, 0 warn, 0 info');
    expect(lines[3].split(/\s+/)).toEqual(['layer', 'class', 'params', 'trainable', 'non-trainable', 'alerts']);
    expect(lines.slice(4, 6).map((l) => l.split(/\s+/)[0])).toEqual(['hidden', 'output']);
    const weightRows = lines.slice(8).filter((l) => l !== '');
    expect(weightRows.map((l) => l.split(/\s+/)[0])).toEqual(h.weights.map((w) => w.name));
    expect(weightRows[0].split(/\s+/).slice(1, 4)).toEqual(['[784,16]', '12,544', 'yes']);
  });

  it('--json gives the last statistics, largest drift and alert count of every weight', () => {
    const h = read(files.diverging);
    const { status, stdout } = runCli(['summary', files.diverging, '--json']);
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.model).toEqual({ name: h.model.name, totalParams: 9, trainableParams: 9, nonTrainableParams: 0 });
    // weights with alerts first: the most severe, then the most alerts
    const counts = new Map(h.weights.map((w) => [w.name, started(h).filter((a) => a.weight === w.name).length]));
    expect(out.weights.map((w: { alerts: number }) => w.alerts)).toEqual([...counts.values()].sort((a, b) => b - a));
    for (const row of out.weights) {
      const drifts = h.series.weights[row.name].driftRelative.filter((d): d is number => d !== null);
      expect(row.maxDrift).toBe(Math.max(...drifts));
      expect(row.lastDrift).toBe(h.series.weights[row.name].driftRelative[h.series.epoch.length - 1]);
      expect(row.nanCount).toBe(last(h).stats[row.name].nanCount);
      expect(row.mean).toBe(last(h).stats[row.name].mean);
      expect(row.alerts).toBe(counts.get(row.name));
    }
  });

  it('counts both fit calls of a two-fit history and marks the frozen layer', () => {
    const { status, stdout } = runCli(['summary', files.twoFits]);
    expect(status).toBe(0);
    expect(stdout.split('\n')[1]).toBe('2 fit calls, epochs 0-5, 6 snapshots; alerts: 0 error, 0 warn, 2 info');
    const hiddenKernel = stdout.split('\n').find((l) => l.startsWith('hidden/kernel'))!;
    expect(hiddenKernel.split(/\s+/).slice(1, 4)).toEqual(['[784,16]', '12,544', 'no']);
  });
});

describe('alerts', () => {
  it('lists every alert in order', () => {
    const h = read(files.diverging);
    const { status, stdout, stderr } = runCli(['alerts', files.diverging]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const rows = stdout.trimEnd().split('\n');
    expect(rows[0].split(/\s+/)).toEqual(['epoch', 'severity', 'kind', 'status', 'message']);
    expect(rows.slice(1, -1).map((r) => r.trim().split(/\s+/).slice(0, 4)))
      .toEqual(h.alerts.map((a) => [String(a.epoch), a.severity, a.kind, a.status]));
    expect(rows.slice(1, -1).map((r) => r.slice(r.indexOf(h.alerts[0].weight!.split('/')[0]))))
      .toEqual(h.alerts.map((a) => a.message));
    expect(rows[rows.length - 1]).toBe(`${h.alerts.length} of ${h.alerts.length} alerts`);
  });

  it('filters by lowest severity and by kind, in text and JSON', () => {
    const h = read(files.diverging);
    const json = (args: string[]) => JSON.parse(runCli(['alerts', files.diverging, '--json', ...args]).stdout).alerts as Alert[];
    expect(json(['--severity', 'error'])).toEqual(h.alerts.filter((a) => a.severity === 'error'));
    expect(json(['--severity', 'warn'])).toEqual(h.alerts.filter((a) => a.severity !== 'info'));
    expect(json(['--kind', 'drift,non-finite'])).toEqual(h.alerts.filter((a) => a.kind === 'drift' || a.kind === 'non-finite'));
    expect(json(['--kind', 'exploding', '--severity', 'error'])).toEqual([]);
    const text = runCli(['alerts', files.diverging, '--kind', 'exploding', '--severity', 'error']);
    expect(text).toEqual({ status: 0, stdout: `no alerts match (${h.alerts.length} in the file)\n`, stderr: '' });
    expect(runCli(['alerts', files.healthy]).stdout).toBe('no alerts\n');
  });
});

describe('compare', () => {
  it('puts two runs side by side: census differences and alerts only one run has', () => {
    const { status, stdout, stderr } = runCli(['compare', 'healthy.json', 'twoFits.json'], dir);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    const b = read(files.twoFits);
    const [frozenKernel, frozenBias] = b.weights.map((w) => w.name);
    expect(stdout).toContain('census differences:\n  trainableParams: 12,730 in a, 170 in b\n  nonTrainableParams: 0 in a, 12,560 in b\n' +
      `  weight hidden/kernel = ${frozenKernel}: trainable in a only\n  weight hidden/bias = ${frozenBias}: trainable in a only\n`);
    const onlyB = started(b).map((x) => `  epoch ${x.epoch}  ${x.severity}  ${x.kind}  ${x.message}`).join('\n');
    expect(stdout.endsWith(`alerts only in a:\n  none\nalerts only in b:\n${onlyB}\n`)).toBe(true);
  });

  it('--json pairs every weight with its final statistics in both runs', () => {
    const a = read(files.healthy);
    const b = read(files.twoFits);
    const out = JSON.parse(runCli(['compare', files.healthy, files.twoFits, '--json']).stdout);
    expect(out.weights.map((w: { name: string }) => w.name)).toEqual(a.weights.map((w, i) => `${w.name} = ${b.weights[i].name}`));
    // Final values come from the series, which the document rounds to 9 significant digits.
    const nine = (x: number | null) => (x === null ? null : Number(x.toPrecision(9)));
    out.weights.forEach((w: { a: { std: number }; b: { std: number } }, i: number) => {
      expect(w.a.std).toBe(nine(last(a).stats[a.weights[i].name].std));
      expect(w.b.std).toBe(nine(last(b).stats[b.weights[i].name].std));
    });
    expect(out.onlyInA).toEqual([]);
    expect(out.onlyInB).toEqual(started(b));
  });

  it('finds no difference between a run and itself', () => {
    const { status, stdout } = runCli(['compare', files.diverging, files.diverging]);
    expect(status).toBe(0);
    expect(stdout).toContain('census: the same model (same weights, shapes and parameter counts)');
    expect(stdout.endsWith('alerts only in a:\n  none\nalerts only in b:\n  none\n')).toBe(true);
  });
});

describe('--fail-on', () => {
  /** The CLI's count of alerts: "1 alert", "2 alerts" (the diverging run stops with one error alert or more). */
  const alerts = (n: number) => `${n} alert${n === 1 ? '' : 's'}`;
  it('exits 1 when the history holds an alert at or above the severity, and says so on stderr', () => {
    const h = read(files.diverging);
    // Conditions that started, each once: not their reminders or their clearing.
    const conditions = h.alerts.filter((a) => a.status === 'started');
    const warnOrAbove = conditions.filter((a) => a.severity !== 'info').length;
    const errors = conditions.filter((a) => a.severity === 'error').length;
    expect(warnOrAbove).toBeLessThan(h.alerts.filter((a) => a.severity !== 'info').length);
    expect(runCli(['summary', 'diverging.json', '--fail-on', 'warn'], dir)).toMatchObject({
      status: 1, stderr: `tfjs-param-monitor: diverging.json: ${alerts(warnOrAbove)} at or above warn (--fail-on warn)\n`,
    });
    expect(runCli(['alerts', 'diverging.json', '--fail-on', 'error', '--json'], dir)).toMatchObject({
      status: 1, stderr: `tfjs-param-monitor: diverging.json: ${alerts(errors)} at or above error (--fail-on error)\n`,
    });
    expect(runCli(['summary', 'twoFits.json', '--fail-on', 'info'], dir)).toMatchObject({
      status: 1, stderr: 'tfjs-param-monitor: twoFits.json: 2 alerts at or above info (--fail-on info)\n',
    });
    expect(runCli(['compare', 'healthy.json', 'diverging.json', '--fail-on', 'warn'], dir)).toMatchObject({
      status: 1, stderr: `tfjs-param-monitor: diverging.json: ${alerts(warnOrAbove)} at or above warn (--fail-on warn)\n`,
    });
  });

  it('still writes the report when it fails the run', () => {
    const errors = read(files.diverging).alerts.filter((a) => a.severity === 'error').length;
    expect(runCli(['report', 'diverging.json', '-o', 'gate.html', '--fail-on', 'error'], dir)).toEqual({
      status: 1, stdout: expect.stringMatching(/^wrote gate\.html \(\d+ KiB\)\n$/),
      stderr: `tfjs-param-monitor: diverging.json: ${alerts(errors)} at or above error (--fail-on error)\n`,
    });
    expect(fs.readFileSync(path.join(dir, 'gate.html'), 'utf8')).toMatch(/^<!DOCTYPE html>[^]*<\/html>\n$/);
  });

  it('exits 0 when no alert reaches it', () => {
    expect(runCli(['summary', files.twoFits, '--fail-on', 'warn'])).toMatchObject({ status: 0, stderr: '' });
    expect(runCli(['summary', files.healthy, '--fail-on', 'info'])).toMatchObject({ status: 0, stderr: '' });
  });
});

describe('the package bin', () => {
  it('runs through npx from the package folder, as `tfjs-param-monitor`', () => {
    const root = path.join(__dirname, '..', '..');
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'tfjs-param-monitor': 'dist/cli/main.js' });
    expect(fs.readFileSync(path.join(root, pkg.bin['tfjs-param-monitor']), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    // The first npx of a folder (a fresh clone) links it into npx's cache as a `file:` package,
    // which runs its `prepare` script: a rebuild of dist/ in the middle of the suite, under which
    // other tests' child processes loaded half-written modules ('checkParamCount is not a
    // function', seen once in a fresh clone on a loaded machine). Scripts off: npx only runs the bin.
    const env = { ...process.env, npm_config_ignore_scripts: 'true' };
    const npx = spawnSync('npx', ['--no-install', 'tfjs-param-monitor', 'summary', files.twoFits], { cwd: root, encoding: 'utf8', env });
    expect({ status: npx.status, stderr: npx.stderr }).toEqual({ status: 0, stderr: '' });
    expect(npx.stdout).toBe(runCli(['summary', files.twoFits]).stdout);
  });
});

describe('help', () => {
  it('describes every command and option', () => {
    const top = runCli(['--help']);
    expect(top.status).toBe(0);
    for (const command of ['summary', 'alerts', 'report', 'compare']) expect(top.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const alerts = runCli(['alerts', '--help']);
    expect(alerts.status).toBe(0);
    for (const option of ['--severity <severity>', '--kind <kinds>', '--json', '--fail-on <severity>']) expect(alerts.stdout).toContain(option);
    expect(runCli(['report', '--help']).stdout).toContain('-o, --output <file>');
  });
});
