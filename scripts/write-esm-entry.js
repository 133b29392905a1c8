// Writes dist/index.mjs, the `import` entry: it re-exports the CommonJS build by name, so that
// ESM and CommonJS users share one module instance (and one tfjs). The names are read from the
// built module, so the list never goes stale.
const fs = require('fs');
const path = require('path');

const dist = path.join(__dirname, '..', 'dist');
const names = Object.keys(require(path.join(dist, 'index.js'))).filter((n) => n !== '__esModule');
const body = [
  "import cjs from './index.js';",
  ...names.map((n) => `export const ${n} = cjs.${n};`),
  'export default cjs;',
  '',
].join('\n');
fs.writeFileSync(path.join(dist, 'index.mjs'), body);
