import { DictReader } from '../config-reader.js';
import type { RpnTestConfig } from '../faster-rcnn-config.js';
import type { RpnTrainConfig } from './anchor-targets.js';
import { type MaxIoUAssignerConfig, RCNN_ASSIGNER, RPN_ASSIGNER } from './max-iou-assigner.js';
import { RCNN_SAMPLER, type RandomSamplerConfig, RPN_SAMPLER } from './random-sampler.js';
import type { RcnnTrainConfig } from './roi-targets.js';

/** mmdet 2.x `train_cfg` of a two-stage detector. */
export interface FasterRcnnTrainConfig {
  rpn: RpnTrainConfig;
  /** Proposal generation while training (`rpn_proposal`). */
  rpnProposal: RpnTestConfig;
  rcnn: RcnnTrainConfig;
}

/** `train_cfg` of mmdet 2.x `faster_rcnn_r50_fpn.py`, which the HRNet Faster R-CNN configs inherit. */
export function defaultFasterRcnnTrainConfig(): FasterRcnnTrainConfig {
  return {
    rpn: { assigner: { ...RPN_ASSIGNER }, sampler: { ...RPN_SAMPLER }, allowedBorder: -1, posWeight: -1 },
    rpnProposal: { nmsPre: 2000, maxPerImg: 1000, iouThreshold: 0.7, minBboxSize: 0 },
    rcnn: { assigner: { ...RCNN_ASSIGNER }, sampler: { ...RCNN_SAMPLER }, posWeight: -1 },
  };
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
  if (root.has('rcnn')) {
    const rcnn = root.dict('rcnn');
    if (rcnn.has('assigner')) cfg.rcnn.assigner = readAssigner(rcnn.dict('assigner'), cfg.rcnn.assigner);
    if (rcnn.has('sampler')) cfg.rcnn.sampler = readSampler(rcnn.dict('sampler'), cfg.rcnn.sampler);
    cfg.rcnn.posWeight = rcnn.number('pos_weight', cfg.rcnn.posWeight);
  }
  return cfg;
}
