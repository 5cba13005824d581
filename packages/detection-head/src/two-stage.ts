import type { ModelConfig } from '@hrnetjs/core';
import { CascadeRCNN } from './cascade-rcnn.js';
import { FasterRCNN, type TwoStageRoIHead } from './faster-rcnn.js';
import { isFasterRcnnDetector } from './faster-rcnn-config.js';
import { HybridTaskCascade } from './htc.js';
import { MaskRCNN } from './mask-rcnn.js';

/** Which mmdet 2.x two-stage model a detector dict describes. */
export type TwoStageKind = 'faster_rcnn' | 'mask_rcnn' | 'cascade_rcnn' | 'cascade_mask_rcnn' | 'htc';

/** A two-stage detector of any {@link TwoStageKind}. */
export type TwoStageDetector = FasterRCNN<TwoStageRoIHead>;

/** The kind of an mmdet detector dict, from its `roi_head` (type, mask_head); undefined if not two-stage. */
export function twoStageKind(detector: Record<string, unknown> | undefined): TwoStageKind | undefined {
  if (!isFasterRcnnDetector(detector)) return undefined;
  const roi = detector.roi_head as Record<string, unknown>;
  if (roi.type === 'HybridTaskCascadeRoIHead') return 'htc';
  const cascade = roi.type === 'CascadeRoIHead';
  const mask = roi.mask_head !== undefined && roi.mask_head !== null;
  return cascade ? (mask ? 'cascade_mask_rcnn' : 'cascade_rcnn') : mask ? 'mask_rcnn' : 'faster_rcnn';
}

/** Builds the {@link FasterRCNN}, {@link MaskRCNN}, {@link CascadeRCNN} or {@link HybridTaskCascade} an mmdet config describes. */
export function createTwoStageDetector(config: ModelConfig): TwoStageDetector {
  const kind = config.head.type === 'mmdet' ? twoStageKind(config.head.detector) : undefined;
  if (kind === undefined) throw new Error(`config '${config.name}' is not an mmdet two-stage detector (it needs rpn_head and roi_head)`);
  if (kind === 'mask_rcnn') return new MaskRCNN(config);
  if (kind === 'cascade_rcnn' || kind === 'cascade_mask_rcnn') return new CascadeRCNN(config);
  if (kind === 'htc') return new HybridTaskCascade(config);
  return new FasterRCNN(config);
}

/**
 * The kind of an mmdet two-stage checkpoint from its key names (`inspect`): `roi_head.bbox_head.0.*`
 * marks a cascade, `roi_head.mask_head.*` a mask branch, `roi_head.semantic_head.*` or
 * `roi_head.mask_head.{i}.conv_res.*` an HTC (one without both reads as a cascade: the keys are the
 * same); undefined without `rpn_head.*` / `roi_head.*`.
 */
export function twoStageKindOfKeys(keys: Iterable<string>): TwoStageKind | undefined {
  let rpn = false;
  let roi = false;
  let cascade = false;
  let mask = false;
  let htc = false;
  for (const k of keys) {
    rpn ||= k.startsWith('rpn_head.');
    roi ||= k.startsWith('roi_head.bbox_head.');
    cascade ||= /^roi_head\.bbox_head\.\d+\./.test(k);
    mask ||= k.startsWith('roi_head.mask_head.');
    htc ||= k.startsWith('roi_head.semantic_head.') || /^roi_head\.mask_head\.\d+\.conv_res\./.test(k);
  }
  if (!rpn || !roi) return undefined;
  if (htc) return 'htc';
  return cascade ? (mask ? 'cascade_mask_rcnn' : 'cascade_rcnn') : mask ? 'mask_rcnn' : 'faster_rcnn';
}
