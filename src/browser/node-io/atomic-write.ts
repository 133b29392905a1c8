/**
 * Browser twin of src/files/atomic-write.ts (swapped in by scripts/build-browser.js): a page
 * cannot write files. The `output` option is refused when the monitor is created
 * (../node-only-options.ts); `save()` ends here.
 */
import { notInBrowser } from './refuse';

export function temporaryName(file: string): string {
  throw notInBrowser(`writing ${file}`, 'use monitor.download() or monitor.toBlob()');
}

export function writeAll(_fd: number, _bytes: Uint8Array): void {
  throw notInBrowser('writing a file', 'use monitor.download() or monitor.toBlob()');
}

export function writeFileAtomic(file: string, _text: string | Iterable<string>): void {
  throw notInBrowser(`save() (writing ${file})`, 'use monitor.download() or monitor.toBlob()');
}
