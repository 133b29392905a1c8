// Bundles the monitor for the browser with esbuild (called by `npm run build`, and by the browser
// tests to bundle single modules such as the device engine). Node-only modules are kept out
// without touching the sources: the plugin below swaps each file that does Node I/O (winston
// logging, files, the measuring worker) for its browser twin in src/browser/, and maps the few
// Node built-ins that the remaining code names (perf_hooks, os, path, crypto) to small shims.
// Any other Node built-in reaching the bundle fails the build, naming the file that imports it:
// a new Node-only output needs a browser twin here (and its option refused in
// src/browser/node-only-options.ts), never a silent stub.
//
// @tensorflow/tfjs stays outside the bundle: the ES module imports it (a bundler resolves it to
// the user's own copy, so the monitor's tf.Callback is the user's), and the script build reads
// the global `tf` that tfjs's own dist/tf.min.js defines.
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const src = path.join(root, 'src');
const browser = path.join(src, 'browser');

/** Source files replaced in the browser bundle: Node path (relative to src/) -> browser twin. */
const TWINS = {
  'log/log-sink.ts': 'browser/log-sink.ts',
  'files/atomic-write.ts': 'browser/node-io/atomic-write.ts',
  'files/writable-path.ts': 'browser/node-io/writable-path.ts',
  'stats/measure-thread.ts': 'browser/node-io/measure-thread.ts',
  // The `tensorboard` option's writer (event files, protobufjs).
  'tensorboard/tensorboard-output.ts': 'browser/node-io/tensorboard-output.ts',
};

/** Node built-ins named by code that runs in the browser too, and their shims. */
const SHIMS = {
  perf_hooks: 'browser/shims/perf-hooks.ts',
  os: 'browser/shims/os.ts',
  path: 'browser/shims/path.ts',
  crypto: 'browser/shims/crypto.ts',
};

const NODE_BUILTINS = new Set(require('module').builtinModules.flatMap((m) => [m, `node:${m}`]));

function browserPlugin(tfjs) {
  return {
    name: 'tfjs-param-monitor-browser',
    setup(build) {
      const twins = new Map(Object.entries(TWINS).map(([from, to]) => [path.join(src, from), path.join(src, to)]));
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const resolved = path.resolve(args.resolveDir, args.path);
        const twin = twins.get(resolved) ?? twins.get(`${resolved}.ts`);
        return twin ? { path: twin } : undefined;
      });
      build.onResolve({ filter: /^[a-z_:]+$/ }, (args) => {
        if (!NODE_BUILTINS.has(args.path)) return undefined;
        const shim = SHIMS[args.path.replace(/^node:/, '')];
        if (shim) return { path: path.join(src, shim) };
        return {
          errors: [{
            text: `The Node module '${args.path}' reaches the browser bundle through ${path.relative(root, args.importer)}. ` +
              'Give that file a browser twin (TWINS in scripts/build-browser.js) and refuse its option in src/browser/node-only-options.ts.',
          }],
        };
      });
      // src/environment.ts reads the version from package.json: bundle the version, not the whole file.
      build.onResolve({ filter: /package\.json$/ }, (args) => ({
        path: path.relative(root, path.resolve(args.resolveDir, args.path)), namespace: 'package-version',
      }));
      build.onLoad({ filter: /.*/, namespace: 'package-version' }, (args) => ({
        contents: `module.exports = { version: ${JSON.stringify(require(path.join(root, args.path)).version)} };`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^winston$/ }, (args) => ({
        errors: [{ text: `winston reaches the browser bundle through ${path.relative(root, args.importer)}: log through src/browser/log-sink.ts.` }],
      }));
      if (tfjs === 'global') {
        build.onResolve({ filter: /^@tensorflow\/tfjs$/ }, () => ({ path: 'tfjs-global', namespace: 'tfjs-global' }));
        build.onLoad({ filter: /.*/, namespace: 'tfjs-global' }, () => ({
          contents: "if (typeof tf === 'undefined') throw new Error('tfjs-param-monitor: load @tensorflow/tfjs first " +
            "(its dist/tf.min.js, which defines the global `tf`), then this script.');\nmodule.exports = tf;",
          loader: 'js',
        }));
      }
    },
  };
}

/**
 * Bundles `entry` (a path under src/) for the browser.
 * @param {{ entry: string, outfile: string, format: 'esm' | 'iife', globalName?: string, write?: boolean }} options
 *   `esm` imports @tensorflow/tfjs; `iife` reads the global `tf` and defines `globalName`.
 */
async function bundleForBrowser({ entry, outfile, format, globalName, write = true }) {
  return esbuild.build({
    entryPoints: [path.resolve(root, entry)],
    outfile,
    bundle: true,
    write,
    format,
    globalName,
    platform: 'browser',
    target: 'es2020',
    external: format === 'esm' ? ['@tensorflow/tfjs'] : [],
    inject: [path.join(browser, 'shims/buffer.ts')],
    plugins: [browserPlugin(format === 'esm' ? 'import' : 'global')],
    logLevel: 'silent',
    metafile: true,
    legalComments: 'none',
  });
}

/** tsc's CommonJS output of src/browser/ (its .d.ts files stay: they type the browser entry). */
function removeUnbundled(dir) {
  for (const entry of require('fs').readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) removeUnbundled(file);
    else if (/\.js(\.map)?$/.test(entry.name)) require('fs').rmSync(file);
  }
}

async function main() {
  const dist = path.join(root, 'dist', 'browser');
  // The twins in src/browser/ only make sense bundled; compiled one by one they would load Node's files.
  removeUnbundled(dist);
  await bundleForBrowser({ entry: 'src/browser/index.ts', outfile: path.join(dist, 'index.mjs'), format: 'esm' });
  await bundleForBrowser({ entry: 'src/browser/index.ts', outfile: path.join(dist, 'tfjs-param-monitor.js'), format: 'iife', globalName: 'tfParamMonitor' });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}

module.exports = { bundleForBrowser, TWINS, SHIMS };
