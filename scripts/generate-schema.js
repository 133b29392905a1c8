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

if (require.main === module && !process.argv.includes('--markdown')) {
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

/**
 * The schema as a markdown table, one row per field (`--markdown`), for the README's field by
 * field documentation of the history document.
 */
function markdown(schema) {
  const defs = schema.definitions;
  const rows = [];
  const typeOf = (node) => {
    if (node.$ref) return node.$ref.split('/').pop();
    if (node.const !== undefined) return JSON.stringify(node.const);
    if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' \\| ');
    if (node.anyOf) return node.anyOf.map(typeOf).join(' \\| ');
    if (node.type === 'array') {
      const item = typeOf(node.items);
      return item.includes(' ') ? `(${item})[]` : `${item}[]`;
    }
    if (node.type === 'object' && node.additionalProperties && typeof node.additionalProperties === 'object') return `{ [name]: ${typeOf(node.additionalProperties)} }`;
    return [].concat(node.type ?? 'object').join(' \\| ');
  };
  const visit = (name, node) => {
    if (node.type !== 'object' || !node.properties) return;
    for (const [key, child] of Object.entries(node.properties)) {
      const optional = (node.required ?? []).includes(key) ? '' : '?';
      const description = (child.description ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|');
      rows.push(`| ${name} | \`${key}${optional}\` | ${typeOf(child)} | ${description} |`);
      if (child.type === 'object' && child.properties) visit(`${name}.${key}`, child);
    }
  };
  for (const [name, node] of Object.entries(defs)) visit(name, node);
  return ['| type | field | JSON type | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module && process.argv.includes('--markdown')) {
  console.log(markdown(JSON.parse(fs.readFileSync(target, 'utf8'))));
}
