/**
 * The picture of a Grad-CAM map: the image as the user knows it (upright, its own aspect ratio,
 * at most `maxSide` pixels a side) with the map laid over it in a blue → green → red scale whose
 * opacity grows with the evidence, so that where the model did not look the photo shows through.
 */
import sharp from 'sharp';

/** A Grad-CAM map at the model's input size: `size`×`size` values in [0, 1], row-major. */
export interface CamValues {
  readonly size: number;
  readonly values: Float32Array;
}

/** The colour of a map value v in [0, 1] (a jet-like scale: blue, cyan, green, yellow, red). */
export function camColour(v: number): [number, number, number] {
  const ramp = (centre: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * v - centre))));
  return [ramp(3), ramp(2), ramp(1)];
}

/** The opacity of the overlay at a map value v in [0, 1]. */
export function camAlpha(v: number): number {
  return Math.round(190 * Math.min(1, Math.max(0, v)));
}

/** A PNG of `image` (any format sharp decodes) with `cam` laid over it. */
export async function camOverlayPng(image: Buffer, cam: CamValues, maxSide = 320): Promise<Buffer> {
  const base = await sharp(image).rotate().resize({ width: maxSide, height: maxSide, fit: 'inside' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const { width, height } = base.info;
  const heat = Buffer.alloc(cam.size * cam.size * 4);
  cam.values.forEach((v, i) => {
    const [r, g, b] = camColour(v);
    heat.set([r, g, b, camAlpha(v)], i * 4);
  });
  // The model saw the image squashed to a square: the map is stretched back to the image's shape.
  const layer = await sharp(heat, { raw: { width: cam.size, height: cam.size, channels: 4 } }).resize(width, height, { fit: 'fill' }).png().toBuffer();
  return sharp(base.data, { raw: { width, height, channels: base.info.channels } }).composite([{ input: layer }]).png().toBuffer();
}
