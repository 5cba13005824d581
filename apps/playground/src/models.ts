import { BackboneModel, ClsModel, type ModelConfig, type TaskModel } from '@hrnetjs/core';
import { createTwoStageDetector, DetectionFeatureModel, isFasterRcnnDetector } from '@hrnetjs/detection-head';
import { PoseModel } from '@hrnetjs/pose-head';
import { SegModel } from '@hrnetjs/seg-head';

/** The task model for a config: each family's head comes from its own package. */
export function createModel(config: ModelConfig): TaskModel {
  switch (config.head.type) {
    case 'pose':
      return new PoseModel(config);
    case 'seg':
      return new SegModel(config);
    case 'cls':
      return new ClsModel(config);
    case 'mmdet':
      // A full detector dict (rpn_head + roi_head) builds Faster / Mask / Cascade R-CNN; backbone / neck dicts their features.
      if (config.head.neck && isFasterRcnnDetector(config.head.detector)) return createTwoStageDetector(config);
      return config.head.neck ? new DetectionFeatureModel(config) : new BackboneModel(config);
  }
}
