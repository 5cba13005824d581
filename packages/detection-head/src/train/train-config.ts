import { ConfigError } from '@hrnetjs/core';
import { parseCascadeConfig } from '../cascade-rcnn-config.js';
import { DictReader } from '../config-reader.js';
import type { RpnTestConfig } from '../faster-rcnn-config.js';
import type { RpnTrainConfig } from './anchor-targets.js';
import type { BBoxLossConfig } from './losses.js';
import { type MaxIoUAssignerConfig, RCNN_ASSIGNER, RPN_ASSIGNER } from './max-iou-assigner.js';
import { RCNN_SAMPLER, type RandomSamplerConfig, RPN_SAMPLER } from './random-sampler.js';
import type { RcnnTrainConfig } from './roi-targets.js';

/**
 * The loss settings of a two-stage detector's heads: mmdet keeps them in the head dicts
 * (`rpn_head.loss_cls` / `loss_bbox`, `bbox_head.loss_cls` / `loss_bbox`, `mask_head.loss_mask`).
 */
export interface DetectorLossConfig {
  /** `rpn_head.loss_cls.loss_weight` (sigmoid CE). */
  rpnCls: number;
  rpnBbox: BBoxLossConfig;
  /** Per RoI stage (one entry for Faster / Mask R-CNN): `loss_cls.loss_weight` (softmax CE) and `loss_bbox`. */
  rcnn: Array<{ cls: number; bbox: BBoxLossConfig }>;
  /** `mask_head.loss_mask.loss_weight` per stage (models with masks). */
  mask: number[];
}

/** mmdet 2.x `train_cfg` of a two-stage detector. */
export interface FasterRcnnTrainConfig {
  rpn: RpnTrainConfig;
  /** Proposal generation while training (`rpn_proposal`). */
  rpnProposal: RpnTestConfig;
  rcnn: RcnnTrainConfig;
  /** The heads' losses (mmdet keeps them in the head dicts); absent: faster_rcnn_r50_fpn.py's (L1, weights 1). */
  losses?: DetectorLossConfig;
}

/**
 * mmdet 2.x `train_cfg` of a `CascadeRCNN`: `rcnn` is a list, one assigner / sampler per stage, and
 * each stage's losses are scaled by `roi_head.stage_loss_weights` (kept here with the rest of the
 * training settings).
 */
export interface CascadeRcnnTrainConfig {
  rpn: RpnTrainConfig;
  rpnProposal: RpnTestConfig;
  rcnn: RcnnTrainConfig[];
  /** `roi_head.stage_loss_weights`, one per stage. */
  stageLossWeights: number[];
  /** The heads' losses; absent: cascade_rcnn_r50_fpn.py's (SmoothL1 with β 1/9 for the RPN and 1 per stage, weights 1). */
  losses?: DetectorLossConfig;
}

/** The training settings of any two-stage detector (a list of `rcnn` settings for cascades). */
export type TwoStageTrainConfig = FasterRcnnTrainConfig | CascadeRcnnTrainConfig;

/** Whether `cfg` holds per-stage `rcnn` settings (Cascade R-CNN). */
export function isCascadeTrainConfig(cfg: TwoStageTrainConfig): cfg is CascadeRcnnTrainConfig {
  return Array.isArray(cfg.rcnn);
}

/** `train_cfg` of mmdet 2.x `faster_rcnn_r50_fpn.py`, which the HRNet Faster R-CNN configs inherit. */
export function defaultFasterRcnnTrainConfig(): FasterRcnnTrainConfig {
  return {
    rpn: { assigner: { ...RPN_ASSIGNER }, sampler: { ...RPN_SAMPLER }, allowedBorder: -1, posWeight: -1 },
    rpnProposal: { nmsPre: 2000, maxPerImg: 1000, iouThreshold: 0.7, minBboxSize: 0 },
    rcnn: { assigner: { ...RCNN_ASSIGNER }, sampler: { ...RCNN_SAMPLER }, posWeight: -1 },
  };
}

const CASCADE_IOUS = [0.5, 0.6, 0.7];

/**
 * `train_cfg` of mmdet 2.x `cascade_rcnn_r50_fpn.py` (the HRNet cascade configs inherit it): RPN
 * allowed_border 0, 2000 training proposals, per-stage assigners at IoU 0.5 / 0.6 / 0.7 (pos = neg
 * = min_pos), 512 RoIs per image, stage weights [1, 0.5, 0.25]. Other stage counts repeat the last
 * stage's IoU and weight.
 */
export function defaultCascadeRcnnTrainConfig(numStages = 3): CascadeRcnnTrainConfig {
  const base = defaultFasterRcnnTrainConfig();
  const ious = Array.from({ length: numStages }, (_, i) => CASCADE_IOUS[Math.min(i, CASCADE_IOUS.length - 1)]);
  return {
    rpn: { ...base.rpn, allowedBorder: 0 },
    rpnProposal: { ...base.rpnProposal, maxPerImg: 2000 },
    rcnn: ious.map((iou) => ({ ...base.rcnn, assigner: { ...base.rcnn.assigner, posIouThr: iou, negIouThr: iou, minPosIou: iou }, sampler: { ...base.rcnn.sampler } })),
    stageLossWeights: [1, 0.5, 0.25].slice(0, numStages).concat(Array(Math.max(numStages - 3, 0)).fill(0.25)),
  };
}

/**
 * The losses of mmdet's base configs: faster/mask_rcnn_r50_fpn.py (L1) or, for cascades,
 * cascade_rcnn_r50_fpn.py (SmoothL1, RPN β 1/9, RoI β 1); every loss weight 1.
 */
export function defaultDetectorLossConfig(cascade: boolean, numStages = 1, withMask = false): DetectorLossConfig {
  return {
    rpnCls: 1,
    rpnBbox: cascade ? { type: 'SmoothL1Loss', beta: 1 / 9, lossWeight: 1 } : { type: 'L1Loss', lossWeight: 1 },
    rcnn: Array.from({ length: numStages }, () => ({ cls: 1, bbox: cascade ? { type: 'SmoothL1Loss', beta: 1, lossWeight: 1 } : { type: 'L1Loss', lossWeight: 1 } })),
    mask: withMask ? Array(numStages).fill(1) : [],
  };
}

function readBBoxLoss(head: DictReader, fallback: BBoxLossConfig): BBoxLossConfig {
  if (!head.has('loss_bbox')) return { ...fallback };
  const r = head.dict('loss_bbox');
  const type = r.type(['L1Loss', 'SmoothL1Loss']) as BBoxLossConfig['type'];
  const lossWeight = r.number('loss_weight', 1);
  return type === 'SmoothL1Loss' ? { type, beta: r.number('beta', 1, (v) => v > 0, 'a positive number'), lossWeight } : { type, lossWeight };
}

/** `loss_cls` / `loss_mask`: a CrossEntropyLoss of the kind the head computes; returns its loss weight. */
function readCrossEntropyWeight(head: DictReader, key: string, kind: 'use_sigmoid' | 'use_mask' | 'softmax'): number {
  if (!head.has(key)) return 1;
  const r = head.dict(key);
  r.type(['CrossEntropyLoss']);
  for (const flag of ['use_sigmoid', 'use_mask'] as const) {
    if (r.boolean(flag, false) !== (kind === flag)) {
      throw new ConfigError(`${r.at(flag)} must be ${kind === flag}: HRNet.js trains ${kind === 'softmax' ? 'softmax' : flag === 'use_sigmoid' ? 'sigmoid' : 'per-pixel sigmoid'} classification here`, {
        path: r.at(flag),
      });
    }
  }
  return r.number('loss_weight', 1);
}

/**
 * The losses of an mmdet 2.x two-stage model dict's heads (`rpn_head`, `roi_head.bbox_head` — a
 * list for cascades — and `mask_head`). Missing entries take the detector kind's base config:
 * L1 for Faster / Mask R-CNN (as mmdet's faster/mask_rcnn_r50_fpn.py, which the presets follow),
 * SmoothL1 for Cascade R-CNN (cascade_rcnn_r50_fpn.py). Only CrossEntropyLoss, L1Loss and
 * SmoothL1Loss are supported.
 */
export function parseDetectorLossConfig(detector: Record<string, unknown>, path = 'model'): DetectorLossConfig {
  const root = DictReader.of(detector, path);
  const roi = root.dict('roi_head');
  const roiType = typeof roi.raw.type === 'string' ? roi.raw.type : 'StandardRoIHead';
  const cascade = roiType === 'CascadeRoIHead';
  const numStages = cascade ? roi.positiveInt('num_stages') : 1;
  const perStage = (key: string): DictReader[] => (Array.isArray(roi.raw[key]) ? roi.list(key) : Array.from({ length: numStages }, () => roi.dict(key)));
  const withMask = roi.has('mask_head');
  const base = defaultDetectorLossConfig(cascade, numStages, withMask);
  const rpn = root.dict('rpn_head');
  return {
    rpnCls: readCrossEntropyWeight(rpn, 'loss_cls', 'use_sigmoid'),
    rpnBbox: readBBoxLoss(rpn, base.rpnBbox),
    rcnn: perStage('bbox_head').map((h, i) => ({ cls: readCrossEntropyWeight(h, 'loss_cls', 'softmax'), bbox: readBBoxLoss(h, base.rcnn[i].bbox) })),
    mask: withMask ? perStage('mask_head').map((h) => readCrossEntropyWeight(h, 'loss_mask', 'use_mask')) : [],
  };
}

/**
 * Everything `trainDetector` needs of an mmdet 2.x two-stage model dict: its `train_cfg` (a
 * {@link CascadeRcnnTrainConfig} for `CascadeRoIHead`s, with `roi_head.stage_loss_weights`) and
 * the heads' losses. Missing parts take the base config of the detector's kind
 * ({@link defaultFasterRcnnTrainConfig}, {@link defaultCascadeRcnnTrainConfig}).
 */
export function parseDetectorTrainConfig(detector: Record<string, unknown>, path = 'model'): TwoStageTrainConfig {
  const root = DictReader.of(detector, path);
  const losses = parseDetectorLossConfig(detector, path);
  const roi = root.dict('roi_head');
  const trainCfg = root.has('train_cfg') ? root.raw.train_cfg : {};
  if (roi.raw.type !== 'CascadeRoIHead') return { ...parseFasterRcnnTrainConfig(trainCfg, root.at('train_cfg')), losses };
  const cascade = parseCascadeConfig(detector, path);
  return { ...parseCascadeRcnnTrainConfig(trainCfg, cascade.numStages, cascade.stageLossWeights, root.at('train_cfg')), losses };
}

function readAssigner(r: DictReader, base: MaxIoUAssignerConfig): MaxIoUAssignerConfig {
  r.type(['MaxIoUAssigner'], false);
  const neg = r.raw.neg_iou_thr;
  return {
    posIouThr: r.number('pos_iou_thr', base.posIouThr),
    negIouThr: Array.isArray(neg) ? (r.numbers('neg_iou_thr', 2) as [number, number]) : r.number('neg_iou_thr', base.negIouThr as number),
    minPosIou: r.number('min_pos_iou', base.minPosIou),
    matchLowQuality: r.boolean('match_low_quality', true),
    gtMaxAssignAll: r.boolean('gt_max_assign_all', true),
    ignoreIofThr: r.number('ignore_iof_thr', -1),
    ignoreWrtCandidates: r.boolean('ignore_wrt_candidates', true),
  };
}

function readSampler(r: DictReader, base: RandomSamplerConfig): RandomSamplerConfig {
  r.type(['RandomSampler'], false);
  return {
    num: r.positiveInt('num', base.num),
    posFraction: r.number('pos_fraction', base.posFraction, (v) => v >= 0 && v <= 1, 'a fraction in [0, 1]'),
    negPosUb: r.number('neg_pos_ub', -1),
    addGtAsProposals: r.boolean('add_gt_as_proposals', true),
  };
}

/**
 * Reads an mmdet 2.x `train_cfg` dict (`rpn`, `rpn_proposal`, `rcnn`; snake_case keys as in the
 * config files). Missing parts keep {@link defaultFasterRcnnTrainConfig}'s values; only
 * MaxIoUAssigner and RandomSampler are supported.
 */
export function parseFasterRcnnTrainConfig(value: unknown, path = 'model.train_cfg'): FasterRcnnTrainConfig {
  const cfg = defaultFasterRcnnTrainConfig();
  const root = DictReader.of(value, path);
  readRpnParts(root, cfg);
  if (root.has('rcnn')) {
    if (Array.isArray(root.raw.rcnn)) throw new ConfigError(`${root.at('rcnn')} is a list (one entry per cascade stage); parse it with parseCascadeRcnnTrainConfig`, { path: root.at('rcnn') });
    cfg.rcnn = readRcnn(root.dict('rcnn'), cfg.rcnn);
  }
  return cfg;
}

/** `rpn` and `rpn_proposal` of a `train_cfg`, read over `cfg`'s values. */
function readRpnParts(root: DictReader, cfg: { rpn: RpnTrainConfig; rpnProposal: RpnTestConfig }): void {
  if (root.has('rpn')) {
    const rpn = root.dict('rpn');
    if (rpn.has('assigner')) cfg.rpn.assigner = readAssigner(rpn.dict('assigner'), cfg.rpn.assigner);
    if (rpn.has('sampler')) cfg.rpn.sampler = readSampler(rpn.dict('sampler'), cfg.rpn.sampler);
    cfg.rpn.allowedBorder = rpn.number('allowed_border', cfg.rpn.allowedBorder);
    cfg.rpn.posWeight = rpn.number('pos_weight', cfg.rpn.posWeight);
  }
  if (root.has('rpn_proposal')) {
    const p = root.dict('rpn_proposal');
    const nms = p.has('nms') ? p.dict('nms') : null;
    cfg.rpnProposal = {
      nmsPre: p.int('nms_pre', cfg.rpnProposal.nmsPre),
      maxPerImg: p.positiveInt(p.has('max_per_img') ? 'max_per_img' : 'max_num', cfg.rpnProposal.maxPerImg),
      iouThreshold: nms ? nms.number('iou_threshold', 0.7, (v) => v > 0 && v <= 1, 'an IoU in (0, 1]') : p.number('nms_thr', cfg.rpnProposal.iouThreshold),
      minBboxSize: p.number('min_bbox_size', 0),
    };
  }
}

function readRcnn(r: DictReader, base: RcnnTrainConfig): RcnnTrainConfig {
  return {
    assigner: r.has('assigner') ? readAssigner(r.dict('assigner'), base.assigner) : { ...base.assigner },
    sampler: r.has('sampler') ? readSampler(r.dict('sampler'), base.sampler) : { ...base.sampler },
    posWeight: r.number('pos_weight', base.posWeight),
  };
}

/**
 * Reads the `train_cfg` dict of an mmdet 2.x `CascadeRCNN` with `numStages` stages: `rpn`,
 * `rpn_proposal`, and `rcnn` as a list of one dict per stage (mmdet's form), or one dict used for
 * every stage. Missing parts keep {@link defaultCascadeRcnnTrainConfig}'s values (each stage's dict
 * is read over that stage's default); `stageLossWeights` are `roi_head.stage_loss_weights`.
 */
export function parseCascadeRcnnTrainConfig(value: unknown, numStages: number, stageLossWeights?: readonly number[], path = 'model.train_cfg'): CascadeRcnnTrainConfig {
  const cfg = defaultCascadeRcnnTrainConfig(numStages);
  if (stageLossWeights) {
    if (stageLossWeights.length !== numStages) throw new ConfigError(`stage_loss_weights lists ${stageLossWeights.length} weights for ${numStages} stages`, { path: 'roi_head.stage_loss_weights' });
    cfg.stageLossWeights = [...stageLossWeights];
  }
  const root = DictReader.of(value, path);
  readRpnParts(root, cfg);
  if (root.has('rcnn')) {
    const stages = Array.isArray(root.raw.rcnn) ? root.list('rcnn') : Array.from({ length: numStages }, () => root.dict('rcnn'));
    if (stages.length !== numStages) throw new ConfigError(`${root.at('rcnn')} lists ${stages.length} stages but the cascade has ${numStages}`, { path: root.at('rcnn') });
    cfg.rcnn = stages.map((r, i) => readRcnn(r, cfg.rcnn[i]));
  }
  return cfg;
}
