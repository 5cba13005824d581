/**
 * ImageNet normalisation used by every official HRNet pipeline (pose, seg, cls, and mmdet's RGB
 * Faster/Mask/Cascade configs). Units are 0..1 (applied after dividing pixels by 255); mmdet writes
 * the same numbers ×255 (mean [123.675, 116.28, 103.53], std [58.395, 57.12, 57.375]).
 */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];

/** See {@link IMAGENET_MEAN}. */
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];
