import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type ModelConfig, type OnnxOutput, TaskModel } from '@hrnetjs/core';
import type { OnnxGraph } from '@hrnetjs/core/ops';
import { FasterRCNN, type FasterRcnnTrainConfig, type ImageMeta, type SimpleTestResult } from '@hrnetjs/detection-head';
import { type DetectorLosses, type DetectorTrainTarget, detectorLossesOnLevels } from '@hrnetjs/detection-head/ops';
import { crossEntropyLoss, SegLastLayer } from '@hrnetjs/seg-head/ops';

/** What the shared model adds to a Faster R-CNN config: the segmentation head. */
export interface MultiTaskHeads {
  /** Segmentation classes of `last_layer`. */
  numClasses: number;
  /** Kernel of the last conv (1 or 3), as FINAL_CONV_KERNEL. */
  finalConvKernel?: number;
}

/** One pass of the shared model: segmentation logits and detections of the same input. */
export interface MultiTaskResult {
  /** [1, H/4, W/4, classes] NHWC logits; the caller disposes it. */
  logits: tf.Tensor4D;
  detections: SimpleTestResult;
}

/** The detector's four losses, the segmentation cross-entropy and their weighted sum. */
export interface MultiTaskLosses extends DetectorLosses {
  lossSeg: tf.Scalar;
}

/**
 * Segmentation and detection heads on ONE HRNet backbone pass: the backbone branches feed the
 * HRNetV2 `last_layer` and the HRFPN neck → RPN → RoI head. Keys: the mmdet detector's
 * (`backbone.*`, `neck.*`, `rpn_head.*`, `roi_head.*`) plus `last_layer.*`, so one checkpoint holds all heads.
 */
export class MultiTaskModel extends TaskModel {
  readonly detector: FasterRCNN;
  readonly lastLayer: SegLastLayer;
  /** Backbone passes so far (a shared pass counts once for both heads). */
  backbonePasses = 0;

  constructor(config: ModelConfig, heads: MultiTaskHeads) {
    super(config);
    this.detector = this.child('', new FasterRCNN(config));
    const channels = this.detector.features.backbone.outChannels.reduce((a, b) => a + b, 0);
    this.lastLayer = this.child('last_layer', new SegLastLayer(channels, heads.numClasses, heads.finalConvKernel ?? 1, config.backbone.batchNorm));
  }

  /** Backbone branches, the HRNetV2 logits and the neck levels from one backbone pass. */
  private shared(x: tf.Tensor4D): { logits: tf.Tensor4D; levels: tf.Tensor4D[] } {
    this.backbonePasses++;
    return tf.tidy(() => {
      const branches = this.detector.features.backbone.forward(x);
      const logits = this.lastLayer.forwardBranches(branches, this.config.backbone.alignCorners);
      const neck = this.detector.features.neck;
      if (!neck) throw new Error('the multi-task model needs an HRFPN neck in its config');
      return { logits, levels: neck.forward(branches) };
    });
  }

  /**
   * Training losses of a batch from one backbone pass: mmdet 2.x Faster R-CNN losses on the neck
   * levels and the official seg CrossEntropy (logits upsampled to the labels, `ignoreLabel`
   * skipped) on `last_layer`; total = detector losses + segWeight × lossSeg. `labels` is
   * [B, H, W] int32 at the input size. Use in training mode inside a gradient tape.
   */
  trainLosses(
    x: tf.Tensor4D,
    samples: readonly DetectorTrainTarget[],
    labels: tf.Tensor3D,
    options: { trainCfg: FasterRcnnTrainConfig; random: () => number; segWeight?: number; ignoreLabel?: number },
  ): MultiTaskLosses {
    const { logits, levels } = this.shared(x);
    return tf.tidy(() => {
      const det = detectorLossesOnLevels(this.detector, levels, samples, options.trainCfg, options.random);
      const lossSeg = crossEntropyLoss(logits, labels, { ignoreLabel: options.ignoreLabel ?? 255, alignCorners: this.config.backbone.alignCorners });
      const total = tf.add(det.total, tf.mul(lossSeg, options.segWeight ?? 1)) as tf.Scalar;
      return { ...det, lossSeg, total };
    });
  }

  /** Segmentation logits and detections of one normalised, padded image [1, H, W, 3]. */
  async segmentAndDetect(x: tf.Tensor4D, meta?: ImageMeta): Promise<MultiTaskResult> {
    const { logits, levels } = this.shared(x);
    const imgMeta = meta ?? { imgShape: [x.shape[1], x.shape[2]] as [number, number], scaleFactor: [1, 1, 1, 1] as [number, number, number, number] };
    return { logits, detections: await this.detector.simpleTestOnLevels(levels, imgMeta) };
  }

  protected computeOutputs(x: tf.Tensor4D): Record<string, tf.Tensor> {
    const { logits, levels } = this.shared(x);
    const outputs: Record<string, tf.Tensor> = { logits };
    levels.forEach((t, i) => (outputs[`neck_out_${i}`] = t));
    return outputs;
  }

  /**
   * ONNX export (`toOnnx`): one backbone pass feeding the seg head and HRFPN + the RPN convs.
   * Outputs `logits`, `neck_out_{i}` (as {@link forwardNamed}) and `rpn_cls_{i}` / `rpn_reg_{i}`
   * (as `FasterRCNN.toOnnx`), so the graph can stand in for the detector's features session; the
   * RoI bbox head is `detector.roiHead.bboxHead.toOnnx()`.
   */
  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named: Record<string, string> = {};
    const branches = this.detector.features.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    named.logits = this.lastLayer.emitOnnxBranches(g, branches, this.config.backbone.alignCorners);
    const neck = this.detector.features.neck;
    if (!neck) throw new Error('the multi-task model needs an HRFPN neck in its config');
    const levels = neck.emitOnnx(g, branches);
    levels.forEach((t, i) => (named[`neck_out_${i}`] = t));
    const { clsScores, bboxPreds } = this.detector.rpnHead.emitOnnx(g, levels);
    clsScores.forEach((t, i) => (named[`rpn_cls_${i}`] = t));
    bboxPreds.forEach((t, i) => (named[`rpn_reg_${i}`] = t));
    return featureOutputs(named);
  }
}

/** `createMultiTask({ config, heads })`: the shared-backbone seg + det model. */
export function createMultiTask(options: { config: ModelConfig; heads: MultiTaskHeads }): MultiTaskModel {
  return new MultiTaskModel(options.config, options.heads);
}
