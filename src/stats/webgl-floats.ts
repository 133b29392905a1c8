/**
 * Whether the device engine can run on the current backend: tfjs's `webgl` backend keeps floats in
 * half-float textures where the GPU cannot render to float32 ones (tfjs flag
 * `WEBGL_RENDER_FLOAT32_ENABLED` false, as on some phones, or with `WEBGL_FORCE_F16_TEXTURES`).
 * Half floats hold nothing above 65504, so the engine's count split (2^16) and its ±Infinity
 * fills overflow and every statistic comes out NaN (seen in Chromium with WEBGL_FORCE_F16_TEXTURES,
 * tfjs 4.22). There, `statsOn: 'auto'` measures on the host instead (one download of each weight,
 * exact on the stored values), and `statsOn: 'device'` fails with this module's error.
 */
import * as tf from '@tensorflow/tfjs';

/** Whether the backend is webgl with half-float textures. */
export function webglHalfFloats(): boolean {
  return tf.getBackend() === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED');
}

/** Throws, naming the reason and the fix, where the device engine cannot measure (see the module comment). */
export function checkDeviceFloats(): void {
  if (webglHalfFloats()) {
    throw new Error("the device engine needs float32 textures, but tfjs's webgl backend stores half floats on this "
      + "device (WEBGL_RENDER_FLOAT32_ENABLED is false): use `statsOn: 'auto'` or 'host', which measure the weights "
      + 'after one download each');
  }
}
