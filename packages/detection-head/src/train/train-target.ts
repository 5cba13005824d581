import type { GtMasks } from './mask-targets.js';

/** What the losses need of one image: its sizes (network input) and its gt in those coordinates. */
export interface DetectorTrainTarget {
  meta: { imgShape: [number, number]; padShape: [number, number] };
  /** Flat [M × 4] x1, y1, x2, y2. */
  gtBboxes: Float32Array;
  /** 0-based class per gt box. */
  gtLabels: Int32Array;
  /** One mask per gt box on the padded input (models with a mask head need them). */
  gtMasks?: GtMasks;
}
