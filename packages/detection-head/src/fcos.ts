import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type ModelConfig, type OnnxOutput, type OnnxSession, TaskModel } from '@hrnetjs/core';
import type { OnnxGraph } from '@hrnetjs/core/ops';
import { checkedClassNames, detectorClassNames } from './coco-classes.js';
import { DetectionFeatureModel } from './detection-model.js';
import type { ImageMeta } from './faster-rcnn-config.js';
import { type FcosConfig, type FcosTestConfig, fcosPipelineFromConfig, isFcosDetector, parseFcosConfig } from './fcos-config.js';
import { FCOSHead, type FcosLevelOutput } from './fcos-head.js';
import type { Detections } from './multiclass-nms.js';
import type { DetectionPipelineConfig } from './preprocess.js';

/** Options of {@link FCOS.simpleTest}. */
export interface FcosSimpleTestOptions {
  /** Overrides of `test_cfg` (nmsPre, scoreThr, iouThreshold, maxPerImg, …); other keys are ignored. */
  testCfg?: Partial<FcosTestConfig>;
  /** Map boxes back to the original image (default: the config's `rescale`, true). */
  rescale?: boolean;
  /** Only these 0-based labels are candidates (dropped after each level's nms_pre cut, before NMS). */
  allowedLabels?: ReadonlySet<number>;
}

const TEST_KEYS: ReadonlyArray<keyof FcosTestConfig> = ['nmsPre', 'minBboxSize', 'scoreThr', 'iouThreshold', 'classAgnostic', 'maxPerImg'];

/**
 * mmdet 2.x one-stage `FCOS` on an HRNet + HRFPN feature model: keys `backbone.*`, `neck.*` (the
 * {@link DetectionFeatureModel}, mounted at the top level) and `bbox_head.*` ({@link FCOSHead}), as
 * the model zoo's `fcos_hrnetv2p_*` checkpoints. `forwardNamed` gives the features and the head's
 * maps (`cls_score_{l}`, `bbox_pred_{l}`, `centerness_{l}`, NHWC); {@link simpleTest} runs mmdet's
 * test path on one image. Inference only: training FCOS is not implemented.
 */
export class FCOS extends TaskModel {
  readonly features: DetectionFeatureModel;
  readonly bboxHead: FCOSHead;
  readonly detector: FcosConfig;
  /** `test_cfg`; replace or edit it to change the test settings of every later call. */
  testCfg: FcosTestConfig;
  /**
   * The test pipeline `createDetector(…).detect` starts from: the config's resize / pad and its
   * `img_norm_cfg` with the channel order it states, else the FCOS-HRNet configs' (BGR, `toRgb: false`).
   */
  testPipeline: DetectionPipelineConfig;
  /** When set, {@link simpleTest} (and so `detect`) runs the network on this session (see {@link useOnnx}). */
  onnxSession: OnnxSession | null = null;
  private customClassNames?: readonly string[];

  constructor(config: ModelConfig) {
    super(config);
    if (config.head.type !== 'mmdet' || !isFcosDetector(config.head.detector)) {
      throw new Error(`FCOS needs an mmdet model config with an FCOSHead bbox_head (config '${config.name}' has none)`);
    }
    const neck = config.head.neck;
    if (!neck) throw new Error(`FCOS needs a neck (HRFPN); config '${config.name}' has none`);
    this.detector = parseFcosConfig(config.head.detector);
    const head = this.detector.bboxHead;
    if (neck.numOuts !== head.strides.length) throw new Error(`FCOS: the neck gives ${neck.numOuts} levels but bbox_head has ${head.strides.length} strides`);
    if (neck.outChannels !== head.inChannels) throw new Error(`FCOS: bbox_head.in_channels ${head.inChannels} ≠ neck.out_channels ${neck.outChannels}`);
    this.testCfg = structuredClone(this.detector.testCfg);
    this.testPipeline = fcosPipelineFromConfig(config);
    this.features = this.child('', new DetectionFeatureModel(config));
    this.bboxHead = this.child('bbox_head', new FCOSHead(head));
  }

  /** The HRFPN levels (NHWC, finest first) of a batch; the caller disposes them. */
  neckLevels(x: tf.Tensor4D): tf.Tensor4D[] {
    return this.features.neckLevels(x);
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const outputs = this.features.forwardNamed(x, { intermediates });
    const levels = Array.from({ length: this.bboxHead.numLevels }, (_, l) => outputs[`neck_out_${l}`] as tf.Tensor4D);
    const { clsScores, bboxPreds, centernesses } = this.bboxHead.forward(levels);
    clsScores.forEach((t, l) => (outputs[`cls_score_${l}`] = t));
    bboxPreds.forEach((t, l) => (outputs[`bbox_pred_${l}`] = t));
    centernesses.forEach((t, l) => (outputs[`centerness_${l}`] = t));
    return outputs;
  }

  /**
   * ONNX export (`toOnnx`): backbone, neck and the head's convs in one graph, outputs
   * `backbone_out_{b}`, `neck_out_{l}`, `cls_score_{l}` [N, H, W, K], `bbox_pred_{l}` [N, H, W, 4]
   * (distances after Scale and exp) and `centerness_{l}` [N, H, W, 1], NHWC as {@link forwardNamed}.
   * Points, decoding and NMS stay in JS.
   */
  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named = this.features.emitFeatures(g, x, intermediates);
    const levels = Array.from({ length: this.bboxHead.numLevels }, (_, l) => named[`neck_out_${l}`]);
    const { clsScores, bboxPreds, centernesses } = this.bboxHead.emitOnnx(g, levels);
    clsScores.forEach((t, l) => (named[`cls_score_${l}`] = t));
    bboxPreds.forEach((t, l) => (named[`bbox_pred_${l}`] = t));
    centernesses.forEach((t, l) => (named[`centerness_${l}`] = t));
    return featureOutputs(named);
  }

  /**
   * mmdet `SingleStageDetector.simple_test` for ONE image (NHWC [1, H, W, 3], normalised and padded):
   * features → FCOS head → detections (in original-image coordinates when rescaling). `meta`
   * defaults to the config's `img_metas[0]`, else to the unpadded input itself. Every tensor it
   * creates is disposed before it resolves.
   */
  async simpleTest(x: tf.Tensor4D, meta?: ImageMeta, options: FcosSimpleTestOptions = {}): Promise<Detections> {
    if (x.rank !== 4 || x.shape[0] !== 1 || x.shape[3] !== 3) {
      throw new Error(`FCOS.simpleTest takes one image as NHWC [1, H, W, 3]; got [${x.shape.join(', ')}]`);
    }
    const imgMeta = meta ?? this.detector.imgMeta ?? { imgShape: [x.shape[1], x.shape[2]], scaleFactor: [1, 1, 1, 1] };
    const outputs = this.onnxSession ? await this.headOutputsOnnx(x, this.onnxSession) : await this.headOutputs(x);
    return this.bboxHead.getBboxes(outputs, imgMeta, this.mergedTestCfg(options.testCfg), {
      rescale: options.rescale ?? this.detector.rescale,
      allowedLabels: options.allowedLabels,
    });
  }

  /** The head outputs of one image on TF.js, downloaded; no tensor stays alive. */
  private async headOutputs(x: tf.Tensor4D): Promise<FcosLevelOutput[]> {
    const levels = this.neckLevels(x);
    try {
      return await this.bboxHead.forwardToHost(levels);
    } finally {
      tf.dispose(levels);
    }
  }

  /** The test settings of one call: {@link testCfg} with the known keys of `overrides` that are set. */
  private mergedTestCfg(overrides: Partial<FcosTestConfig> = {}): FcosTestConfig {
    const cfg = { ...this.testCfg };
    for (const key of TEST_KEYS) {
      const v = overrides[key];
      if (v !== undefined) (cfg as Record<string, unknown>)[key] = v;
    }
    return cfg;
  }

  /** The head outputs of one image from the ONNX session. */
  private async headOutputsOnnx(x: tf.Tensor4D, session: OnnxSession): Promise<FcosLevelOutput[]> {
    const out = await session.run({ input: { data: (await x.data()) as Float32Array, dims: [...x.shape] } });
    const pick = (name: string) => {
      if (!out[name]) throw new Error(`the FCOS ONNX session has no output '${name}': export it with FCOS.toOnnx()`);
      return out[name];
    };
    return Array.from({ length: this.bboxHead.numLevels }, (_, l) => {
      const cls = pick(`cls_score_${l}`);
      return { cls: cls.data, reg: pick(`bbox_pred_${l}`).data, centerness: pick(`centerness_${l}`).data, height: cls.dims[1], width: cls.dims[2] };
    });
  }

  /**
   * Runs the network on an ONNX session from here on: `createSession` (e.g. onnxruntime-node's
   * `createOrtSession` with its options) gets {@link toOnnx}'s graph; decoding and NMS stay in JS.
   * Call {@link releaseOnnx} to free it and go back to TF.js.
   */
  async useOnnx(createSession: (model: Uint8Array) => Promise<OnnxSession>): Promise<void> {
    await this.releaseOnnx();
    this.onnxSession = await createSession(this.toOnnx());
  }

  /** Frees the session of {@link useOnnx}; TF.js runs the network again. */
  async releaseOnnx(): Promise<void> {
    const session = this.onnxSession;
    this.onnxSession = null;
    if (session) await session.release();
  }

  /** Class names by label id: as set (a checkpoint's `meta.CLASSES`), else COCO's for 80 classes, else `class_{i}`. */
  get classNames(): readonly string[] {
    return this.customClassNames ?? detectorClassNames(this.detector.bboxHead.numClasses);
  }

  set classNames(names: readonly string[]) {
    this.customClassNames = checkedClassNames('FCOS', names, this.detector.bboxHead.numClasses);
  }
}
