/**
 * The demo models: a small multi-task HRNet (HRNetV2 segmentation head + HRFPN Faster R-CNN on one
 * backbone) and a small top-down pose HRNet, sized so `pnpm train:demo` trains both on 2 CPU cores,
 * and the synthetic scenes they are trained and evaluated on. Browser-safe.
 */
import { type ModelConfig, parseModelConfig } from '@hrnetjs/core';
import type { DetectionPipelineConfig } from '@hrnetjs/detection-head';
import type { DatasetOptions } from '../synthetic/index.js';
import { SYNTHETIC_CLASSES } from '../synthetic/index.js';

/** Scene size and content of training and evaluation (sizes a multiple of 32: no padding). */
export const DEMO_SCENE: Readonly<Omit<DatasetOptions, 'segmentation'>> = Object.freeze({
  width: 192,
  height: 192,
  maxPeople: 3,
  maxObjects: 3,
  minPersonHeight: 56,
});

/** Seeds: training scenes count up from 0; held-out evaluation scenes start far above them. */
export const TRAIN_SEED_BASE = 0;
export const EVAL_SEED_BASE = 1_000_000;

/** Detector classes (0-based labels) = the synthetic classes without background. */
export const DEMO_DETECTOR_CLASSES: readonly string[] = SYNTHETIC_CLASSES.slice(1);
/** Segmentation classes (label = `semanticMask` value). */
export const DEMO_SEG_CLASSES: readonly string[] = [...SYNTHETIC_CLASSES];

/** The detector's test pipeline: the long side to 192 (the training size), ImageNet mean/std, pad 32. */
export const DEMO_DETECTION_PIPELINE: DetectionPipelineConfig = {
  imgScale: [192, 192],
  keepRatio: true,
  mean: [123.675, 116.28, 103.53],
  std: [58.395, 57.12, 57.375],
  sizeDivisor: 32,
};

const stage = (branches: number, channels: number[], blocks = 1) => ({
  num_modules: 1,
  num_branches: branches,
  block: 'BASIC',
  num_blocks: Array(branches).fill(blocks),
  num_channels: channels,
});

/** mmdet 2.x model dict of the shared model (the multi-task model adds `last_layer`). */
export const MULTI_TASK_MODEL_DICT = {
  type: 'FasterRCNN',
  backbone: {
    type: 'HRNet',
    extra: {
      stage1: { num_modules: 1, num_branches: 1, block: 'BOTTLENECK', num_blocks: [1], num_channels: [16] },
      stage2: stage(2, [16, 32]),
      stage3: stage(3, [16, 32, 64]),
      stage4: stage(4, [16, 32, 64, 128]),
    },
  },
  neck: { type: 'HRFPN', in_channels: [16, 32, 64, 128], out_channels: 64, num_outs: 5 },
  rpn_head: {
    type: 'RPNHead',
    in_channels: 64,
    feat_channels: 64,
    // Scale 4: anchors of 16…256 px suit 192-pixel scenes (mmdet's 8 starts at 32 px).
    anchor_generator: { type: 'AnchorGenerator', scales: [4], ratios: [0.5, 1.0, 2.0], strides: [4, 8, 16, 32, 64] },
    bbox_coder: { type: 'DeltaXYWHBBoxCoder', target_means: [0, 0, 0, 0], target_stds: [1, 1, 1, 1] },
    loss_cls: { type: 'CrossEntropyLoss', use_sigmoid: true, loss_weight: 1.0 },
    loss_bbox: { type: 'L1Loss', loss_weight: 1.0 },
  },
  roi_head: {
    type: 'StandardRoIHead',
    bbox_roi_extractor: { type: 'SingleRoIExtractor', roi_layer: { type: 'RoIAlign', output_size: 7, sampling_ratio: 0 }, out_channels: 64, featmap_strides: [4, 8, 16, 32] },
    bbox_head: {
      type: 'Shared2FCBBoxHead',
      in_channels: 64,
      fc_out_channels: 128,
      roi_feat_size: 7,
      num_classes: DEMO_DETECTOR_CLASSES.length,
      bbox_coder: { type: 'DeltaXYWHBBoxCoder', target_means: [0, 0, 0, 0], target_stds: [0.1, 0.1, 0.2, 0.2] },
      reg_class_agnostic: false,
      loss_cls: { type: 'CrossEntropyLoss', use_sigmoid: false, loss_weight: 1.0 },
      loss_bbox: { type: 'L1Loss', loss_weight: 1.0 },
    },
  },
  train_cfg: {
    rpn: {
      assigner: { type: 'MaxIoUAssigner', pos_iou_thr: 0.7, neg_iou_thr: 0.3, min_pos_iou: 0.3, match_low_quality: true, ignore_iof_thr: -1 },
      sampler: { type: 'RandomSampler', num: 256, pos_fraction: 0.5, neg_pos_ub: -1, add_gt_as_proposals: false },
      allowed_border: -1,
      pos_weight: -1,
      debug: false,
    },
    // Fewer proposals and sampled RoIs than mmdet's 2000 / 512: a few objects per small image (and CPU time).
    rpn_proposal: { nms_pre: 1000, max_per_img: 300, nms: { type: 'nms', iou_threshold: 0.7 }, min_bbox_size: 0 },
    rcnn: {
      assigner: { type: 'MaxIoUAssigner', pos_iou_thr: 0.5, neg_iou_thr: 0.5, min_pos_iou: 0.5, match_low_quality: false, ignore_iof_thr: -1 },
      sampler: { type: 'RandomSampler', num: 64, pos_fraction: 0.25, neg_pos_ub: -1, add_gt_as_proposals: true },
      pos_weight: -1,
      debug: false,
    },
  },
  test_cfg: {
    rpn: { nms_pre: 1000, max_per_img: 300, nms: { type: 'nms', iou_threshold: 0.7 }, min_bbox_size: 0 },
    rcnn: { score_thr: 0.05, nms: { type: 'nms', iou_threshold: 0.5 }, max_per_img: 100 },
  },
};

/** Official `pose_hrnet` yaml (MODEL section) of the demo pose model: 96×64 crops (sizes a multiple of 32), 24×16 heatmaps. */
export const POSE_MODEL_YAML = {
  MODEL: {
    NAME: 'pose_hrnet',
    NUM_JOINTS: 17,
    IMAGE_SIZE: [64, 96],
    HEATMAP_SIZE: [16, 24],
    SIGMA: 2,
    EXTRA: {
      FINAL_CONV_KERNEL: 1,
      STAGE2: { NUM_MODULES: 1, NUM_BRANCHES: 2, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1], NUM_CHANNELS: [16, 32], FUSE_METHOD: 'SUM' },
      STAGE3: { NUM_MODULES: 1, NUM_BRANCHES: 3, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1, 1], NUM_CHANNELS: [16, 32, 64], FUSE_METHOD: 'SUM' },
      STAGE4: { NUM_MODULES: 1, NUM_BRANCHES: 4, BLOCK: 'BASIC', NUM_BLOCKS: [1, 1, 1, 1], NUM_CHANNELS: [16, 32, 64, 128], FUSE_METHOD: 'SUM' },
    },
  },
};

/** Segmentation classes of the multi-task model's `last_layer`. */
export const MULTI_TASK_SEG_CLASSES = DEMO_SEG_CLASSES.length;

export function multiTaskConfig(): ModelConfig {
  return parseModelConfig(structuredClone(MULTI_TASK_MODEL_DICT), { name: 'demo-multitask' });
}

export function poseConfig(): ModelConfig {
  return parseModelConfig(structuredClone(POSE_MODEL_YAML), { name: 'demo-pose' });
}

/** Overlay colours per segmentation class; background has none (the image shows through). */
export const DEMO_SEG_PALETTE: ReadonlyArray<readonly [number, number, number]> = (() => {
  const palette: Array<[number, number, number]> = [];
  palette[1] = [230, 25, 75]; // person
  palette[2] = [60, 180, 75]; // ball
  palette[3] = [0, 130, 200]; // box
  palette[4] = [255, 225, 25]; // kite
  return palette;
})();
