import { BackboneModel, registerModelBuilder } from '@hrnetjs/core';
import { DetectionFeatureModel } from './detection-model.js';
import { FasterRCNN } from './faster-rcnn.js';
import { createTwoStageDetector } from './two-stage.js';
import { isFasterRcnnDetector } from './faster-rcnn-config.js';
import { FCOS } from './fcos.js';
import { isFcosDetector } from './fcos-config.js';

/** mmdet's `meta.CLASSES` (a tuple/list of names) from a checkpoint's extras, if present. */
function metaClasses(extras: Record<string, unknown>): string[] | null {
  const meta = extras.meta as { CLASSES?: unknown } | undefined;
  const classes = meta && typeof meta === 'object' ? meta.CLASSES : undefined;
  return Array.isArray(classes) && classes.every((c) => typeof c === 'string') ? classes : null;
}

/**
 * mmdet models for `loadModel` / `matchPreset` of @hrnetjs/core (registered when this package
 * loads): a full detector dict builds Faster / Mask / Cascade (Mask) R-CNN or FCOS, backbone / neck dicts their features; a
 * checkpoint's `meta.CLASSES` become the class names.
 */
export const MMDET_BUILDER = registerModelBuilder({
  head: 'mmdet',
  packageName: '@hrnetjs/detection-head',
  build(config) {
    if (config.head.type !== 'mmdet') throw new Error(`expected an mmdet config, got '${config.head.type}'`);
    if (config.head.neck && isFasterRcnnDetector(config.head.detector)) return createTwoStageDetector(config);
    if (config.head.neck && isFcosDetector(config.head.detector)) return new FCOS(config);
    return config.head.neck ? new DetectionFeatureModel(config) : new BackboneModel(config);
  },
  applyCheckpointMeta(model, extras) {
    const names = metaClasses(extras);
    if (names && (model instanceof FasterRCNN || model instanceof FCOS) && names.length === model.detector.bboxHead.numClasses) model.classNames = names;
  },
});
