/**
 * The built package loads with both `require` and `import` (npm test builds dist/ first), and
 * both give the same module, so ESM and CommonJS users share one tfjs. Bundlers that target the
 * browser get the browser build (dist/browser/), which carries nothing of Node.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { bundleForBrowser, TWINS } from '../scripts/build-browser';
import { expectNoLeaks } from './helpers/tensor-leaks';

const root = path.join(__dirname, '..');
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('package entry points', () => {
  expectNoLeaks();

  it('require() gives the public API', () => {
    const out = run(['-e', "const m = require('tfjs-param-monitor'); console.log(typeof m.paramMonitor, typeof m.ParamMonitor, typeof m.weightStats, m.SCHEMA_VERSION)"]);
    expect(out).toBe('function function function 3');
  });

  it('import gives the same objects as require()', () => {
    const out = run(['--input-type=module', '-e', [
      "import { paramMonitor, ParamMonitor } from 'tfjs-param-monitor';",
      "import { createRequire } from 'module';",
      "const cjs = createRequire(import.meta.url)('tfjs-param-monitor');",
      "console.log(paramMonitor === cjs.paramMonitor, ParamMonitor === cjs.ParamMonitor, paramMonitor({ logger: false }) instanceof ParamMonitor);",
    ].join('\n')]);
    expect(out).toBe('true true true');
  });

  it('the monitor is an instance of the tfjs Callback class the user has', () => {
    const out = run(['-e', "const tf = require('@tensorflow/tfjs'); const m = require('tfjs-param-monitor'); console.log(m.paramMonitor({ logger: false }) instanceof tf.Callback)"]);
    expect(out).toBe('true');
  });
});

describe('the browser entry', () => {
  expectNoLeaks();

  it('is what the `browser` condition resolves to; Node keeps its entry', () => {
    const resolve = (flags: string[]) => run([...flags, '--input-type=module', '-e', "console.log(import.meta.resolve('tfjs-param-monitor'))"]);
    expect(resolve(['--conditions=browser'])).toBe(`file://${root}/dist/browser/index.mjs`);
    expect(resolve([])).toBe(`file://${root}/dist/index.mjs`);
    const names = run(['--conditions=browser', '--input-type=module', '-e', "import * as m from 'tfjs-param-monitor'; console.log(Object.keys(m).join(' '))"]);
    expect(names).toBe('ALERT_KINDS DEFAULT_ALERT_OPTIONS NODE_ONLY_OPTIONS ParamMonitor SCHEMA_VERSION paramMonitor renderReport weightStats');
  });

  it('imports @tensorflow/tfjs (the ES module) or reads the global tf (the script), and nothing of Node', () => {
    const esm = fs.readFileSync(path.join(root, 'dist/browser/index.mjs'), 'utf8');
    expect(new Set(esm.match(/^import .* from "[^"]+";$/gm)!.map((line) => line.replace(/tf\d+/, 'tf'))))
      .toEqual(new Set(['import * as tf from "@tensorflow/tfjs";']));
    const script = fs.readFileSync(path.join(root, 'dist/browser/tfjs-param-monitor.js'), 'utf8');
    expect(script).toMatch(/^"use strict";\nvar tfParamMonitor = \(\(\) => \{/);
    for (const text of [esm, script]) expect(text).not.toMatch(/\brequire\(["']|createLogger|worker_threads|writeSync|"dependencies"/);
  });

  it('bundles the browser twins instead of the Node files', async () => {
    const { metafile } = await bundleForBrowser({ entry: 'src/browser/index.ts', outfile: path.join(root, 'dist/unused.js'), format: 'esm', write: false });
    const inputs = Object.keys(metafile!.inputs);
    for (const [node, twin] of Object.entries(TWINS).filter(([node]) => fs.existsSync(path.join(root, 'src', node)))) {
      expect({ node, bundled: inputs.includes(`src/${node}`), twin: inputs.includes(`src/${twin}`) }).toEqual({ node, bundled: false, twin: true });
    }
    expect(inputs.filter((file) => file.includes('node_modules'))).toEqual([]);
  });

  it('fails the build, naming the importer, when a Node module reaches the bundle', async () => {
    await expect(bundleForBrowser({ entry: 'src/history/load.ts', outfile: path.join(root, 'dist/unused.js'), format: 'esm', write: false }))
      .rejects.toThrow(/The Node module 'fs' reaches the browser bundle through src\/history\/load.ts\. Give that file a browser twin/);
  });
});
