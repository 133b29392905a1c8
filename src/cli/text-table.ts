/**
 * Plain-text tables for the CLI: columns padded to their widest cell, numbers right-aligned.
 * Control characters in cells (a history is untrusted: a weight name could carry terminal escape
 * sequences) print as `?`.
 */

/** A column's heading and which side its cells line up on. */
export interface Column {
  heading: string;
  align: 'left' | 'right';
}

/**
 * Lays out `rows` under `columns`, two spaces between columns, no trailing spaces.
 *
 * @example
 * textTable([{ heading: 'layer', align: 'left' }, { heading: 'params', align: 'right' }],
 *   [['hidden', '100,480']]);
 * // 'layer    params\nhidden  100,480'
 */
export function textTable(columns: Column[], rows: string[][]): string {
  const all = [columns.map((c) => c.heading), ...rows.map((row) => row.map(printable))];
  const widths = columns.map((_, i) => Math.max(...all.map((row) => row[i].length)));
  return all
    .map((row) => row
      .map((cell, i) => (columns[i].align === 'left' ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd())
    .join('\n');
}

/**
 * `text` with every control character (C0, DEL, C1) replaced by `?`.
 *
 * @example
 * printable('a\u001b[2Jb');  // 'a?[2Jb'
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}
