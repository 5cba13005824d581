import { affineTransform } from '../affine-transform.js';
import { higherAffineTransform } from './transforms.js';
import type { GroupedPerson } from './group.js';

/**
 * `get_final_preds` (lib/utils/transforms.py): each person's joints from heatmap coordinates to the
 * image through the inverse of the resize's affine transform (center, scale, heatmap size [w, h]);
 * scores and tags are kept, values stored as float32 as the official array is.
 */
export function getFinalPreds(
  people: readonly GroupedPerson[],
  center: readonly [number, number],
  scale: readonly [number, number],
  heatmapSize: readonly [number, number],
): GroupedPerson[] {
  const trans = higherAffineTransform(center, scale, heatmapSize, true);
  return people.map((person) =>
    person.map((joint) => {
      const out = Float32Array.from(joint);
      const [x, y] = affineTransform([joint[0], joint[1]], trans);
      out[0] = x;
      out[1] = y;
      return out;
    }),
  );
}
