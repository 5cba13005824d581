import type { Palette } from './palette.js';

/** The 19 Cityscapes training classes, in train-id order. */
export const CITYSCAPES_CLASSES = [
  'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light', 'traffic sign', 'vegetation',
  'terrain', 'sky', 'person', 'rider', 'car', 'truck', 'bus', 'train', 'motorcycle', 'bicycle',
] as const;

/** The Cityscapes benchmark colours of the 19 train ids (cityscapesScripts `labels.py`). */
export const CITYSCAPES_PALETTE: Palette = [
  [128, 64, 128], [244, 35, 232], [70, 70, 70], [102, 102, 156], [190, 153, 153], [153, 153, 153],
  [250, 170, 30], [220, 220, 0], [107, 142, 35], [152, 251, 152], [70, 130, 180], [220, 20, 60],
  [255, 0, 0], [0, 0, 142], [0, 0, 70], [0, 60, 100], [0, 80, 100], [0, 0, 230], [119, 11, 32],
];

/** Raw Cityscapes label id → train id (`cityscapes.py` label_mapping); ids not listed map to 255. */
export const CITYSCAPES_LABEL_TO_TRAIN_ID: Readonly<Record<number, number>> = {
  7: 0, 8: 1, 11: 2, 12: 3, 13: 4, 17: 5, 19: 6, 20: 7, 21: 8, 22: 9,
  23: 10, 24: 11, 25: 12, 26: 13, 27: 14, 28: 15, 31: 16, 32: 17, 33: 18,
};

/** Class weights of the official Cityscapes loss (`cityscapes.py`). */
export const CITYSCAPES_CLASS_WEIGHTS = [
  0.8373, 0.918, 0.866, 1.0345, 1.0166, 0.9969, 0.9754, 1.0489, 0.8786, 1.0023, 0.9539, 0.9843, 1.1116, 0.9037,
  1.0865, 1.0955, 1.0865, 1.1529, 1.0507,
] as const;

/**
 * `convert_label(label, inverse)`: raw label ids → train ids (others → `ignoreLabel`), or with
 * `inverse` train ids → raw ids (what `save_pred` writes for the benchmark server).
 */
export function convertCityscapesLabel(labels: ArrayLike<number>, inverse = false, ignoreLabel = 255): Int32Array {
  // Inverse: values that are no train id stay unchanged (the official loop only rewrites matches).
  const lut = inverse ? Int32Array.from({ length: 256 }, (_, i) => i) : new Int32Array(256).fill(ignoreLabel);
  for (const [id, train] of Object.entries(CITYSCAPES_LABEL_TO_TRAIN_ID)) {
    if (inverse) lut[train] = Number(id);
    else lut[Number(id)] = train;
  }
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v > 255) {
      throw new Error(`convertCityscapesLabel: label values must be integers in 0..255, got ${v} at index ${i}`);
    }
    out[i] = lut[v];
  }
  return out;
}
