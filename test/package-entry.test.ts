/**
 * The built package loads with both `require` and `import` (npm test builds dist/ first), and
 * both give the same module, so ESM and CommonJS users share one tfjs.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { expectNoLeaks } from './helpers/tensor-leaks';

const root = path.join(__dirname, '..');
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

describe('package entry points', () => {
  expectNoLeaks();

  it('require() gives the public API', () => {
    const out = run(['-e', "const m = require('tfjs-param-monitor'); console.log(typeof m.paramMonitor, typeof m.ParamMonitor, typeof m.weightStats, m.SCHEMA_VERSION)"]);
    expect(out).toBe('function function function 2');
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
