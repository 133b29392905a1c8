/**
 * Browser twin of src/files/writable-path.ts (swapped in by scripts/build-browser.js). The options
 * that name a file are refused before this is reached (../node-only-options.ts).
 */
import { notInBrowser } from './refuse';

export function prepareWritableFile(option: string, _file: string): string {
  throw notInBrowser(`The \`${option}\` option`, 'a page writes no file');
}
