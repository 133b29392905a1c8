// Types of build-browser.js, for the tests that bundle modules for the page with it.
export interface BundleOptions {
  entry: string;
  outfile: string;
  format: 'esm' | 'iife';
  globalName?: string;
  write?: boolean;
}
export function bundleForBrowser(options: BundleOptions): Promise<{ metafile?: { inputs: Record<string, { bytes: number }> } }>;
export const TWINS: Record<string, string>;
export const SHIMS: Record<string, string>;
