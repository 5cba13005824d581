import { bboxOverlaps } from './bbox-overlaps.js';

/** mmdet 2.x `MaxIoUAssigner` settings (`train_cfg.{rpn,rcnn}.assigner`). */
export interface MaxIoUAssignerConfig {
  /** IoU ≥ this → positive. */
  posIouThr: number;
  /** max IoU in [0, thr) → negative; a [lo, hi) pair gives both ends. */
  negIouThr: number | [number, number];
  /** Low-quality matches need at least this IoU. */
  minPosIou: number;
  /** Give every gt its best box(es) even below posIouThr (RPN: true, R-CNN: false). */
  matchLowQuality: boolean;
  /** Low-quality matching assigns every box tied at the gt's best IoU (mmdet default true). */
  gtMaxAssignAll?: boolean;
  /** Boxes whose IoF with an ignored gt exceeds this are ignored (≤ 0: off, mmdet's −1). */
  ignoreIofThr?: number;
  /** IoF relative to the candidate box (true, mmdet default) or to the ignored gt. */
  ignoreWrtCandidates?: boolean;
}

/** The RPN assigner of mmdet's faster_rcnn_r50_fpn.py. */
export const RPN_ASSIGNER: Readonly<MaxIoUAssignerConfig> = Object.freeze({ posIouThr: 0.7, negIouThr: 0.3, minPosIou: 0.3, matchLowQuality: true });
/** The R-CNN assigner of mmdet's faster_rcnn_r50_fpn.py. */
export const RCNN_ASSIGNER: Readonly<MaxIoUAssignerConfig> = Object.freeze({ posIouThr: 0.5, negIouThr: 0.5, minPosIou: 0.5, matchLowQuality: false });

/** mmdet `AssignResult`. */
export interface AssignResult {
  numGts: number;
  /** Per box: 0 negative, −1 ignored, i + 1 assigned to gt i. */
  gtInds: Int32Array;
  /** Per box: its largest IoU with any gt (0 when there is no gt). */
  maxOverlaps: Float32Array;
  /** Per box: label of the assigned gt, −1 otherwise; null when no gt labels were given. */
  labels: Int32Array | null;
}

/**
 * mmdet 2.x `MaxIoUAssigner.assign`: IoU of every box (flat [N × 4]) with every gt (flat [M × 4]);
 * negatives below the neg threshold, positives at or above the pos threshold (their best gt), then
 * (when `matchLowQuality`) each gt with best IoU ≥ minPosIou takes its best box(es) — later gts
 * win ties. Boxes overlapping an ignored gt by IoF > ignoreIofThr are ignored (−1).
 */
export function maxIoUAssign(
  bboxes: Float32Array,
  gtBboxes: Float32Array,
  config: MaxIoUAssignerConfig,
  gtLabels?: ArrayLike<number>,
  gtBboxesIgnore?: Float32Array,
): AssignResult {
  const n = bboxes.length / 4;
  const m = gtBboxes.length / 4;
  if (!Number.isInteger(n) || !Number.isInteger(m)) throw new Error(`maxIoUAssign: boxes must be flat N × 4; got ${bboxes.length} and ${gtBboxes.length} values`);
  if (gtLabels && gtLabels.length !== m) throw new Error(`maxIoUAssign: ${gtLabels.length} gt labels for ${m} gt boxes`);
  const gtInds = new Int32Array(n).fill(-1);
  const maxOverlaps = new Float32Array(n);
  const labels = gtLabels ? new Int32Array(n).fill(-1) : null;
  if (m === 0 || n === 0) {
    if (m === 0) gtInds.fill(0);
    return { numGts: m, gtInds, maxOverlaps, labels };
  }
  const overlaps = bboxOverlaps(gtBboxes, bboxes); // [M × N]
  const ignoreThr = config.ignoreIofThr ?? -1;
  if (ignoreThr > 0 && gtBboxesIgnore && gtBboxesIgnore.length > 0) {
    const wrtCandidates = config.ignoreWrtCandidates ?? true;
    const k = gtBboxesIgnore.length / 4;
    const iof = wrtCandidates ? bboxOverlaps(bboxes, gtBboxesIgnore, 'iof') : bboxOverlaps(gtBboxesIgnore, bboxes, 'iof');
    for (let j = 0; j < n; j++) {
      let best = -Infinity;
      for (let g = 0; g < k; g++) best = Math.max(best, wrtCandidates ? iof[j * k + g] : iof[g * n + j]);
      if (best > ignoreThr) for (let i = 0; i < m; i++) overlaps[i * n + j] = -1;
    }
  }
  // Best gt per box (first on ties, like torch.max on CPU).
  const argmax = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let best = overlaps[j];
    let arg = 0;
    for (let i = 1; i < m; i++) {
      if (overlaps[i * n + j] > best) {
        best = overlaps[i * n + j];
        arg = i;
      }
    }
    maxOverlaps[j] = best;
    argmax[j] = arg;
  }
  const [negLo, negHi] = typeof config.negIouThr === 'number' ? [0, config.negIouThr] : config.negIouThr;
  for (let j = 0; j < n; j++) {
    if (maxOverlaps[j] >= negLo && maxOverlaps[j] < negHi) gtInds[j] = 0;
    if (maxOverlaps[j] >= config.posIouThr) gtInds[j] = argmax[j] + 1;
  }
  if (config.matchLowQuality) {
    const assignAll = config.gtMaxAssignAll ?? true;
    for (let i = 0; i < m; i++) {
      let gtMax = overlaps[i * n];
      let gtArg = 0;
      for (let j = 1; j < n; j++) {
        if (overlaps[i * n + j] > gtMax) {
          gtMax = overlaps[i * n + j];
          gtArg = j;
        }
      }
      if (gtMax < config.minPosIou) continue;
      if (assignAll) {
        for (let j = 0; j < n; j++) if (overlaps[i * n + j] === gtMax) gtInds[j] = i + 1;
      } else gtInds[gtArg] = i + 1;
    }
  }
  if (labels && gtLabels) for (let j = 0; j < n; j++) if (gtInds[j] > 0) labels[j] = gtLabels[gtInds[j] - 1];
  return { numGts: m, gtInds, maxOverlaps, labels };
}
