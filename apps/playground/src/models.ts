import { BackboneModel, ClsModel, type ModelConfig, type TaskModel } from '@hrnetjs/core';
import { DetectionFeatureModel, FasterRCNN, isFasterRcnnDetector } from '@hrnetjs/detection-head';
import { PoseModel } from '@hrnetjs/pose-head';
import { createSegModel } from '@hrnetjs/seg-head';

/** The task model for a config: each family's head comes from its own package. */
export function createModel(config: ModelConfig): TaskModel {
  switch (config.head.type) {
    case 'pose':
      return new PoseModel(config);
    case 'seg':
      // HRNetV2 or HRNet-OCR, by the head's `ocr`.
      return createSegModel(config);
    case 'cls':
      return new ClsModel(config);
    case 'mmdet':
      // A full detector dict (rpn_head + roi_head) builds Faster R-CNN; backbone / neck dicts their features.
      if (config.head.neck && isFasterRcnnDetector(config.head.detector)) return new FasterRCNN(config);
      return config.head.neck ? new DetectionFeatureModel(config) : new BackboneModel(config);
  }
}
