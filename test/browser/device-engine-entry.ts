/** What the webgl tests bundle for the page: the device engine as is, and the engine choice. */
export { computeStats } from '../../src/stats/device-engine';
export { measureWith, resolveStatsPath } from '../../src/stats/engine-choice';
