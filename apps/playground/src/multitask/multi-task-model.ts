import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type HostTensor, type ModelConfig, type OnnxOutput, type OnnxSession, TaskModel } from '@hrnetjs/core';
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

/** The ONNX sessions {@link MultiTaskModel.useOnnx} opens: the shared graph and the RoI bbox head. */
export interface MultiTaskOnnxSessions {
  /** Backbone → `logits`, HRFPN `neck_out_{i}` and the RPN convs `rpn_cls_{i}` / `rpn_reg_{i}` (one run per image). */
  features: OnnxSession;
  /** The RoI bbox head (`roiHead.bboxHead.toOnnx()`). */
  bboxHead: OnnxSession;
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
  /** When set, {@link segmentAndDetect} runs the networks on these sessions (see {@link useOnnx}). */
  onnxSessions: MultiTaskOnnxSessions | null = null;

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
    const imgMeta = meta ?? { imgShape: [x.shape[1], x.shape[2]] as [number, number], scaleFactor: [1, 1, 1, 1] as [number, number, number, number] };
    if (this.onnxSessions) return this.segmentAndDetectOnnx(x, imgMeta, this.onnxSessions);
    const { logits, levels } = this.shared(x);
    return { logits, detections: await this.detector.simpleTestOnLevels(levels, imgMeta) };
  }

  /**
   * Runs the networks on ONNX sessions from here on (e.g. onnxruntime-node's `createOrtSession`, or
   * core's `createOrtWebSession` in a browser): `createSession` gets this model's graph
   * ({@link toOnnx}) and the RoI bbox head's. Call {@link releaseOnnx} to go back to TF.js.
   */
  async useOnnx(createSession: (model: Uint8Array) => Promise<OnnxSession>): Promise<void> {
    await this.releaseOnnx();
    const features = await createSession(this.toOnnx());
    try {
      this.onnxSessions = { features, bboxHead: await createSession(this.detector.roiHead.bboxHead.toOnnx()) };
    } catch (e) {
      await features.release();
      throw e;
    }
  }

  /** Frees the sessions of {@link useOnnx}; TF.js runs the networks again. */
  async releaseOnnx(): Promise<void> {
    const sessions = this.onnxSessions;
    this.onnxSessions = null;
    if (sessions) await Promise.all([sessions.features.release(), sessions.bboxHead.release()]);
  }

  /**
   * {@link segmentAndDetect} on ONNX sessions: one run of the shared graph gives the logits, the
   * neck levels and the RPN outputs; proposals, RoIAlign and NMS stay in JS (the detector's own
   * steps, as its ONNX path), the RoI features go through the bbox head session.
   */
  private async segmentAndDetectOnnx(x: tf.Tensor4D, imgMeta: ImageMeta, sessions: MultiTaskOnnxSessions): Promise<MultiTaskResult> {
    this.backbonePasses++;
    const out = await sessions.features.run({ input: { data: (await x.data()) as Float32Array, dims: [...x.shape] } });
    const pick = (name: string): HostTensor => {
      if (!out[name]) throw new Error(`the multi-task ONNX session has no output '${name}': export it with MultiTaskModel.toOnnx()`);
      return out[name];
    };
    const { rpnHead, roiHead, testCfg, detector } = this.detector;
    const rpnOut = Array.from({ length: rpnHead.anchorGenerator.numLevels }, (_, i) => {
      const cls = pick(`rpn_cls_${i}`);
      return { logits: cls.data, deltas: pick(`rpn_reg_${i}`).data, height: cls.dims[1], width: cls.dims[2] };
    });
    const features = Array.from({ length: detector.roiExtractor.featmapStrides.length }, (_, i) => {
      const t = pick(`neck_out_${i}`);
      return { data: t.data, height: t.dims[1], width: t.dims[2], channels: t.dims[3] };
    });
    const proposals = rpnHead.getProposals(rpnOut, imgMeta.imgShape, testCfg.rpn);
    const dets = await roiHead.simpleTestBboxes(features, proposals, imgMeta, testCfg.rcnn, { rescale: detector.rescale, sessions: { bboxHeads: [sessions.bboxHead], maskHeads: [] } });
    const logits = pick('logits');
    return { logits: tf.tensor4d(logits.data, logits.dims as [number, number, number, number]), detections: { proposals, ...dets } };
  }

  protected computeOutputs(x: tf.Tensor4D): Record<string, tf.Tensor> {
    const { logits, levels } = this.shared(x);
    const outputs: Record<string, tf.Tensor> = { logits };
    levels.forEach((t, i) => (outputs[`neck_out_${i}`] = t));
    return outputs;
  }

  /**
   * ONNX export (`toOnnx`): one graph for both heads — `logits` (the HRNetV2 head), `neck_out_{i}`
   * and the RPN convs `rpn_cls_{i}` [N, H, W, A] / `rpn_reg_{i}` [N, H, W, 4A], all NHWC. The RoI
   * bbox head is a second graph (`detector.roiHead.bboxHead.toOnnx()`); see {@link useOnnx}.
   */
  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const { backbone, neck } = this.detector.features;
    if (!neck) throw new Error('the multi-task model needs an HRFPN neck in its config');
    const named: Record<string, string> = {};
    const branches = backbone.emitOnnx(g, x, intermediates ? named : undefined);
    named.logits = this.lastLayer.emitOnnxBranches(g, branches, this.config.backbone.alignCorners);
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
