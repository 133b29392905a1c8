#!/usr/bin/env node
/**
 * Generates schema/history.schema.json from the TypeScript types (src/history-types.ts), so the
 * schema can never drift from the types: `npm run schema` writes it, and a test fails when the
 * committed file differs from what this generates. `--check` exits 1 instead of writing.
 */
const fs = require('fs');
const path = require('path');
const { createGenerator } = require('ts-json-schema-generator');

const root = path.join(__dirname, '..');
const target = path.join(root, 'schema', 'history.schema.json');

function generate() {
  const schema = createGenerator({
    path: path.join(root, 'src', 'history-types.ts'),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: 'HistoryDocument',
    additionalProperties: false,
    skipTypeCheck: true,
  }).createSchema('HistoryDocument');
  schema.title = 'tfjs-param-monitor history document';
  return `${JSON.stringify(schema, null, 2)}\n`;
}

module.exports = { generate, target };

if (require.main === module) {
  const text = generate();
  if (process.argv.includes('--check')) {
    const same = fs.existsSync(target) && fs.readFileSync(target, 'utf8') === text;
    if (!same) {
      console.error(`${path.relative(root, target)} is out of date with src/history-types.ts: run npm run schema`);
      process.exit(1);
    }
  } else {
    fs.writeFileSync(target, text);
    console.log(`wrote ${path.relative(root, target)}`);
  }
}
