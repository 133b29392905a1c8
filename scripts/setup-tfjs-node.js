#!/usr/bin/env node
/**
 * `npm run setup:tfjs-node`: installs the optional peers @tensorflow/tfjs-node and
 * @tensorflow/tfjs-node-gpu (4.22.0) into node_modules, sharing the project's one
 * @tensorflow/tfjs, with a working native addon. Idempotent: a package whose addon already loads
 * is left alone.
 *
 * For each package it tries tfjs-node's own install first (it downloads libtensorflow and a
 * prebuilt addon). Where that cannot download (no route to its host), it builds the addon from
 * the package's own `binding/` sources with the node-gyp that ships with npm, against the
 * TensorFlow C library inside the TensorFlow CPU wheel that pip serves (tensorflow-cpu 2.21.0,
 * checked against its sha256): `libtensorflow_cc.so.2` exports the C and eager C APIs the
 * binding calls. tfjs-node-gpu is built against the same CPU library: there is no CUDA here, but
 * its import path is exercised.
 *
 * package.json and package-lock.json are left as they were: the packages are optional peers, so
 * they are installed as extraneous packages (a later plain `npm install` or `npm ci` removes them;
 * run this again then).
 *
 * Environment: TFJS_NODE_WHEEL, a tensorflow-cpu 2.21.0 wheel already on disk;
 * TFJS_NODE_CACHE, where the wheel and the extracted library are kept
 * (default ~/.cache/tfjs-param-monitor).
 */
'use strict';
const { execFileSync, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const VERSION = '4.22.0';
const PACKAGES = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
const WHEEL = {
  spec: 'tensorflow-cpu==2.21.0',
  file: 'tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl',
  sha256: '2b847d217b02ee7731ed91431daf3250daa0196c3c94614d23be27232e6e5b6c',
};
const ROOT = path.resolve(__dirname, '..');
const CACHE = process.env.TFJS_NODE_CACHE || path.join(os.homedir(), '.cache', 'tfjs-param-monitor');

function log(message) {
  console.log(`[setup:tfjs-node] ${message}`);
}

function fail(message) {
  console.error(`[setup:tfjs-node] ${message}`);
  process.exit(1);
}

function packageDir(name) {
  return path.join(ROOT, 'node_modules', ...name.split('/'));
}

/** Loads the package in a child process and trains nothing: checks the backend and one op. */
function loads(name) {
  const script = `
    require(${JSON.stringify(name)});
    const tf = require('@tensorflow/tfjs');
    if (tf.getBackend() !== 'tensorflow') throw new Error('backend ' + tf.getBackend());
    const own = require.resolve('@tensorflow/tfjs', { paths: [require.resolve(${JSON.stringify(name)})] });
    if (own !== require.resolve('@tensorflow/tfjs')) throw new Error('two copies of @tensorflow/tfjs: ' + own);
    const s = tf.tensor1d([1, 2, 3]).sum().dataSync()[0];
    if (s !== 6) throw new Error('sum gave ' + s);
    console.log(tf.backend().binding.TF_Version);`;
  const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  return run.status === 0 ? { ok: true, tf: run.stdout.trim() } : { ok: false, why: (run.stderr || '').trim().split('\n').slice(-3).join(' ') };
}

function installedVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/**
 * npm installs nothing for `npm install --no-save` of a package the root lists as a peer ("up to
 * date"), so the packages go in as devDependencies of a moment, with install scripts off, and
 * package.json and the lock file are put back byte for byte.
 */
function installJavaScript(names) {
  const files = ['package.json', 'package-lock.json'].map((f) => path.join(ROOT, f));
  const saved = files.map((f) => fs.readFileSync(f));
  try {
    const pkg = JSON.parse(saved[0].toString('utf8'));
    for (const name of names) pkg.devDependencies[name] = VERSION;
    fs.writeFileSync(files[0], `${JSON.stringify(pkg, null, 2)}\n`);
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  } finally {
    files.forEach((f, i) => fs.writeFileSync(f, saved[i]));
  }
  const ls = spawnSync('npm', ['ls', '@tensorflow/tfjs', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' });
  const copies = new Set(ls.stdout.split('\n').filter((line) => /node_modules\/@tensorflow\/tfjs$/.test(line)));
  if (copies.size !== 1) fail(`expected one copy of @tensorflow/tfjs, npm ls shows ${copies.size}: ${[...copies].join(', ')}`);
}

/** tfjs-node's own install: downloads libtensorflow and the addon. False when it cannot. */
function normalInstall(name) {
  const run = spawnSync(process.execPath, ['scripts/install.js'], { cwd: packageDir(name), encoding: 'utf8', timeout: 300000 });
  if (run.status === 0 && loads(name).ok) return true;
  const why = `${run.stderr || ''}${run.stdout || ''}`.match(/(ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|getaddrinfo)[^\n]*/);
  log(`${name}: its own install did not work (${why ? why[0].trim() : `exit ${run.status}`}); building the addon from source`);
  return false;
}

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The tensorflow-cpu wheel, from TFJS_NODE_WHEEL, the cache, or pip's configured index. */
function wheel() {
  const cached = path.join(CACHE, WHEEL.file);
  const candidates = [process.env.TFJS_NODE_WHEEL, cached].filter(Boolean);
  for (const file of candidates) {
    if (fs.existsSync(file) && sha256(file) === WHEEL.sha256) return file;
    if (fs.existsSync(file)) log(`${file} does not have the sha256 of ${WHEEL.spec}; ignoring it`);
  }
  const pip = ['pip3', 'pip'].find((cmd) => spawnSync(cmd, ['--version']).status === 0);
  if (!pip) fail(`neither pip3 nor pip is on PATH: it is needed to fetch ${WHEEL.spec} (or set TFJS_NODE_WHEEL to the wheel ${WHEEL.file})`);
  fs.mkdirSync(CACHE, { recursive: true });
  log(`downloading ${WHEEL.spec} with ${pip} from its configured index (about 274 MB)`);
  // pip's own configuration (`pip config list`) names the reachable index.
  const run = spawnSync(pip, ['download', '--no-deps', '--only-binary=:all:', '--python-version', '3.11', '-d', CACHE, WHEEL.spec], { stdio: 'inherit' });
  if (run.status !== 0 || !fs.existsSync(cached)) {
    fail(`${pip} could not download ${WHEEL.file} (exit ${run.status}); check \`${pip} config list\` names a reachable index that serves it, or set TFJS_NODE_WHEEL`);
  }
  const sum = sha256(cached);
  if (sum !== WHEEL.sha256) {
    fs.rmSync(cached);
    fail(`${WHEEL.file} has sha256 ${sum}, expected ${WHEEL.sha256}; removed it`);
  }
  return cached;
}

/** Extracts the two libraries and the C API headers once into the cache; returns its folder. */
function tensorflowC() {
  const dir = path.join(CACHE, 'libtensorflow-2.21.0');
  const done = path.join(dir, '.complete');
  if (fs.existsSync(done)) return dir;
  const whl = wheel();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`extracting libtensorflow_cc.so.2, libtensorflow_framework.so.2 and the headers from ${path.basename(whl)}`);
  const python = ['python3', 'python'].find((cmd) => spawnSync(cmd, ['--version']).status === 0);
  if (!python) fail('python3 is needed to read the wheel (a zip file)');
  const script = `
import sys, zipfile, os, shutil
whl, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(whl)
for name in z.namelist():
    if name in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2'):
        target = os.path.join(out, 'lib', os.path.basename(name))
    elif name.startswith(('tensorflow/include/tensorflow/', 'tensorflow/include/tsl/', 'tensorflow/include/xla/')):
        target = os.path.join(out, 'include', name[len('tensorflow/include/'):])
    else:
        continue
    if name.endswith('/'):
        continue
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with z.open(name) as src, open(target, 'wb') as dst:
        shutil.copyfileobj(src, dst)
`;
  execFileSync(python, ['-c', script, whl, dir], { stdio: 'inherit' });
  for (const lib of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    if (!fs.existsSync(path.join(dir, 'lib', lib))) fail(`${lib} is not in ${whl}`);
  }
  fs.writeFileSync(done, `${WHEEL.spec} ${WHEEL.sha256}\n`);
  return dir;
}

/** npm's own node-gyp, so nothing else need be installed. */
function nodeGyp() {
  const npmCli = spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout.trim();
  const candidates = [
    path.join(npmCli, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  const found = candidates.find((file) => fs.existsSync(file));
  if (!found) fail(`npm's node-gyp was not found (looked at ${candidates.join(', ')})`);
  return found;
}

function buildFromSource(name) {
  const pkg = packageDir(name);
  const tfc = tensorflowC();
  const deps = path.join(pkg, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  for (const lib of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) {
    // A hard link shares the 800 MB library with the cache (and the other package); a copy where it cannot.
    try {
      fs.linkSync(path.join(tfc, 'lib', lib), path.join(deps, 'lib', lib));
    } catch {
      fs.copyFileSync(path.join(tfc, 'lib', lib), path.join(deps, 'lib', lib));
    }
  }
  // binding.gyp links -ltensorflow; the library's soname (what the addon then loads) stays libtensorflow_cc.so.2.
  fs.symlinkSync('libtensorflow_cc.so.2', path.join(deps, 'lib', 'libtensorflow.so'));
  fs.symlinkSync('libtensorflow_framework.so.2', path.join(deps, 'lib', 'libtensorflow_framework.so'));
  fs.symlinkSync(path.join(tfc, 'include'), path.join(deps, 'include'));
  const nodeDir = path.resolve(path.dirname(process.execPath), '..');
  if (!fs.existsSync(path.join(nodeDir, 'include', 'node', 'node_api.h'))) fail(`Node's headers are not in ${nodeDir}/include/node`);
  log(`building ${name}'s addon with node-gyp against TensorFlow 2.21.0's C library`);
  execFileSync(process.execPath, [nodeGyp(), 'rebuild', `--nodedir=${nodeDir}`, '--module_name=tfjs_binding',
    `--module_path=${path.join(pkg, 'lib', 'napi-v8')}`, '--napi_build_version=8', '--loglevel=warn', `--jobs=${os.availableParallelism?.() ?? 2}`],
  { cwd: pkg, stdio: ['ignore', 'ignore', 'inherit'] });
}

function main() {
  const missing = PACKAGES.filter((name) => installedVersion(name) !== VERSION);
  if (missing.length > 0) {
    log(`installing ${missing.map((n) => `${n}@${VERSION}`).join(', ')} (install scripts off; package.json unchanged)`);
    installJavaScript(missing);
  }
  for (const name of PACKAGES) {
    const before = loads(name);
    if (before.ok) {
      log(`${name}@${VERSION} loads (TensorFlow ${before.tf}); nothing to do`);
      continue;
    }
    if (!normalInstall(name)) buildFromSource(name);
    const after = loads(name);
    if (!after.ok) fail(`${name} was built but does not load: ${after.why}`);
    log(`${name}@${VERSION} loads: backend tensorflow, TensorFlow ${after.tf}`);
  }
}

main();
