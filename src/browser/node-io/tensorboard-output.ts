/**
 * Browser twin of src/tensorboard/tensorboard-output.ts (the `tensorboard` option's writer, from
 * the TensorBoard work; swapped in by scripts/build-browser.js once that file exists): event files
 * are files. The option is refused when the monitor is created (../node-only-options.ts), so this
 * is never constructed.
 */
import { notInBrowser } from './refuse';

export class TensorBoardOutput {
  constructor() {
    throw notInBrowser('The `tensorboard` option', 'renderReport(monitor.toJSON()) draws the charts in the page');
  }
}
