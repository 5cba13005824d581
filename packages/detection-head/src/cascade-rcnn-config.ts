import { ConfigError } from '@hrnetjs/core';
import { DictReader } from './config-reader.js';
import { type BBoxHeadConfig, readBBoxHead, readRoIExtractor } from './faster-rcnn-config.js';

/** mmdet 2.x `CascadeRoIHead` settings: one bbox head (and coder) per stage. */
export interface CascadeConfig {
  numStages: number;
  /** `stage_loss_weights` (training only; mmdet's HRNet configs: [1, 0.5, 0.25]). */
  stageLossWeights: number[];
  stages: BBoxHeadConfig[];
}

/** `roi_head` of a `CascadeRCNN` (or HTC) dict; `bbox_head` is a list, or one dict used by every stage. */
export function parseCascadeConfig(detector: Record<string, unknown>, path = 'model'): CascadeConfig {
  const roi = DictReader.of(detector, path).dict('roi_head');
  roi.type(['CascadeRoIHead', 'HybridTaskCascadeRoIHead']);
  const numStages = roi.positiveInt('num_stages');
  const extractor = readRoIExtractor(roi.dict('bbox_roi_extractor'));
  const heads = Array.isArray(roi.raw.bbox_head) ? roi.list('bbox_head') : Array.from({ length: numStages }, () => roi.dict('bbox_head'));
  if (heads.length !== numStages) {
    throw new ConfigError(`${roi.at('bbox_head')} lists ${heads.length} heads but num_stages is ${numStages}`, { path: roi.at('bbox_head') });
  }
  const stageLossWeights = roi.numbers('stage_loss_weights', numStages, Array(numStages).fill(1));
  return { numStages, stageLossWeights, stages: heads.map((h) => readBBoxHead(h, extractor)) };
}
