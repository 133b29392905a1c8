/** What the webgl tests bundle for the page: the device engine (src/stats/device-engine.ts) as is. */
export { computeStats } from '../../src/stats/device-engine';
