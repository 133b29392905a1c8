/**
 * Browser twin of src/tensorboard/tensorboard-output.ts (the `tensorboard` option's writer,
 * swapped in by scripts/build-browser.js): event files are files. The option is refused when the
 * monitor is created (../node-only-options.ts), so this is never constructed; it keeps protobufjs
 * and the event file code out of the bundle.
 */
import type { MonitorOutput } from '../../output';
import { notInBrowser } from './refuse';

export class TensorBoardOutput implements MonitorOutput {
  constructor() {
    throw notInBrowser('The `tensorboard` option', 'renderReport(monitor.toJSON()) draws the charts in the page');
  }

  close(): void {}
}
