import type { ModelConfig } from '@hrnetjs/core';
import { OcrSegModel } from './ocr/ocr-seg-model.js';
import { SegModel } from './seg-model.js';

/** A segmentation network the pipeline runs: HRNetV2 (`last_layer`) or HRNet-OCR (`cls_head` output). */
export type SegNetwork = SegModel | OcrSegModel;

/** The model for a seg config: HRNet-OCR when the head has `ocr` (MODEL.NAME seg_hrnet_ocr), else HRNetV2. */
export function createSegModel(config: ModelConfig): SegNetwork {
  if (config.head.type !== 'seg') throw new Error(`createSegModel needs a seg head config, got '${config.head.type}'`);
  return config.head.ocr ? new OcrSegModel(config) : new SegModel(config);
}
