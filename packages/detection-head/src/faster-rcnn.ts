import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type ModelConfig, type Module, type OnnxOutput, type OnnxSession, TaskModel } from '@hrnetjs/core';
import type { OnnxGraph, OnnxWeightDtype } from '@hrnetjs/core/ops';
import { checkedClassNames, detectorClassNames } from './coco-classes.js';
import { DetectionFeatureModel } from './detection-model.js';
import { type FasterRcnnConfig, type FasterRcnnTestConfig, type ImageMeta, isFasterRcnnDetector, parseFasterRcnnConfig } from './faster-rcnn-config.js';
import type { Detections, RcnnTestConfig } from './multiclass-nms.js';
import type { InstanceMasks } from './paste-mask.js';
import type { FeatureMap } from './roi-align.js';
import type { RpnLevelOutput } from './rpn-head.js';
import { type RoIHeadNetworks, type RoIHeadSessions, type RoITestOptions, StandardRoIHead } from './roi-head.js';
import { type DetectionPipelineConfig, detectionPipelineFromConfig } from './preprocess.js';
import { RPNHead } from './rpn-head.js';

/** Options of {@link FasterRCNN.simpleTest}. */
export interface SimpleTestOptions {
  /** Overrides of `test_cfg` (merged per stage). */
  testCfg?: { rpn?: Partial<FasterRcnnTestConfig['rpn']>; rcnn?: Partial<FasterRcnnTestConfig['rcnn']> };
  /** Map boxes back to the original image (default: the config's `rescale`, true). */
  rescale?: boolean;
  /** Only these 0-based labels are candidates (filtered before NMS and the max_per_img cut). */
  allowedLabels?: ReadonlySet<number>;
}

/** Host results of one image: proposals flat [N × 5] in input coordinates, and final detections. */
export interface SimpleTestResult extends Detections {
  proposals: Float32Array;
  /** One bitmap per detection, for models with a mask head (Mask R-CNN, Cascade Mask R-CNN). */
  masks?: InstanceMasks;
}

/**
 * What the two-stage detector asks of its `roi_head`: the whole RoI stage at test time (its head
 * networks on TF.js, or on `options.sessions`), and its head networks by stage for the ONNX export.
 */
export interface TwoStageRoIHead extends Module {
  simpleTest(features: FeatureMap[], proposals: Float32Array, meta: ImageMeta, cfg: RcnnTestConfig, options: RoITestOptions): Promise<Detections & { masks?: InstanceMasks }>;
  /** Mask heads only: each stage's mask logits at each RoI's label (flat [N × M × M] per stage). */
  stageMaskLogits?(features: FeatureMap[], rois: Float32Array, labels: Int32Array, sessions?: RoIHeadSessions): Promise<Float32Array[]>;
  networks(): RoIHeadNetworks;
  /** Neck levels `simpleTest` needs on the host when more than the bbox RoI extractor's (HTC's semantic head reads all). */
  readonly inputLevels?: number;
}

/**
 * The ONNX sessions a detector runs on instead of TF.js: `features` from `toOnnx()` (backbone,
 * neck, RPN convs) and one per RoI head network ({@link FasterRCNN.onnxHeadGraphs}: the bbox head
 * of every stage, the mask head of every stage). Proposals, RoIAlign, cascade refinement, NMS and
 * mask pasting stay in JS.
 */
export interface DetectorOnnxSessions extends RoIHeadSessions {
  features: OnnxSession;
}

/** One RoI head graph of the ONNX engine (see {@link FasterRCNN.onnxHeadGraphs}). */
export interface OnnxHeadGraph {
  kind: 'bbox' | 'mask' | 'semantic';
  stage: number;
  /**
   * File suffix `hrnet convert --to onnx` writes it under (`<name>-<suffix>.onnx`): `roi-head`
   * (the bbox head) and `mask-head`, with `-{stage}` for cascades, and `semantic-head` (HTC).
   * `stage` is 0 for the semantic head.
   */
  suffix: string;
  /** Inputs → outputs, in words. */
  description: string;
  toOnnx(options?: { weights?: OnnxWeightDtype }): Uint8Array;
}

/**
 * mmdet 2.x two-stage `FasterRCNN` on an HRNet + HRFPN feature model: keys `backbone.*`, `neck.*`
 * (the {@link DetectionFeatureModel}, mounted at the top level), `rpn_head.*`, `roi_head.*`.
 * `forwardNamed` gives the features; {@link simpleTest} runs mmdet's test path on one image.
 */
export class FasterRCNN<R extends TwoStageRoIHead = StandardRoIHead> extends TaskModel {
  readonly features: DetectionFeatureModel;
  readonly rpnHead: RPNHead;
  readonly roiHead: R;
  readonly detector: FasterRcnnConfig;
  /** `test_cfg`; replace or edit it to change the test settings of every later call. */
  testCfg: FasterRcnnTestConfig;
  /** The test pipeline `createDetector(…).detect` starts from: the config's (`config.test` + `config.input`), else mmdet's coco_detection.py. */
  testPipeline: DetectionPipelineConfig;
  private customClassNames?: readonly string[];
  /** When set, {@link simpleTest} (and so {@link detect}) runs the networks on these sessions. */
  onnxSessions: DetectorOnnxSessions | null = null;

  constructor(config: ModelConfig) {
    super(config);
    if (config.head.type !== 'mmdet' || !isFasterRcnnDetector(config.head.detector)) {
      throw new Error(`FasterRCNN needs an mmdet model config with rpn_head and roi_head (config '${config.name}' has none)`);
    }
    if (!config.head.neck) throw new Error(`FasterRCNN needs a neck (HRFPN); config '${config.name}' has none`);
    this.detector = parseFasterRcnnConfig(config.head.detector);
    this.testCfg = structuredClone(this.detector.testCfg);
    this.testPipeline = detectionPipelineFromConfig(config);
    const levels = config.head.neck.numOuts;
    const anchorLevels = this.detector.rpnHead.anchorGenerator.strides.length;
    if (levels !== anchorLevels) throw new Error(`FasterRCNN: the neck gives ${levels} levels but rpn_head has ${anchorLevels} anchor strides`);
    if (this.detector.rpnHead.inChannels !== config.head.neck.outChannels) {
      throw new Error(`FasterRCNN: rpn_head.in_channels ${this.detector.rpnHead.inChannels} ≠ neck.out_channels ${config.head.neck.outChannels}`);
    }
    this.features = this.child('', new DetectionFeatureModel(config));
    this.rpnHead = this.child('rpn_head', new RPNHead(this.detector.rpnHead));
    this.roiHead = this.child('roi_head', this.buildRoIHead());
  }

  /** The `roi_head` module (called from the constructor; subclasses build theirs from `config`). */
  protected buildRoIHead(): R {
    return new StandardRoIHead(this.detector.roiExtractor, this.detector.bboxHead) as TwoStageRoIHead as R;
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    return this.features.forwardNamed(x, { intermediates });
  }

  /**
   * ONNX export (`toOnnx`): backbone, neck and the RPN convs in one graph, outputs `backbone_out_{b}`,
   * `neck_out_{i}`, `rpn_cls_{i}` [N, H, W, A] and `rpn_reg_{i}` [N, H, W, 4A] (NHWC, as
   * {@link RPNHead.forward}). Proposals, RoIAlign and NMS stay in JS; each RoI head network is a
   * graph of its own: {@link onnxHeadGraphs}.
   */
  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named = this.features.emitFeatures(g, x, intermediates);
    const levels = Object.keys(named)
      .filter((k) => k.startsWith('neck_out_'))
      .map((k) => named[k]);
    const { clsScores, bboxPreds } = this.rpnHead.emitOnnx(g, levels);
    clsScores.forEach((t, i) => (named[`rpn_cls_${i}`] = t));
    bboxPreds.forEach((t, i) => (named[`rpn_reg_${i}`] = t));
    return featureOutputs(named);
  }

  /** The neck levels (NHWC, finest first) of a batch; the caller disposes them. */
  neckLevels(x: tf.Tensor4D): tf.Tensor4D[] {
    return this.features.neckLevels(x);
  }

  /**
   * mmdet `TwoStageDetector.simple_test` for ONE image (NHWC [1, H, W, 3], normalised and padded):
   * features → RPN proposals → RoI head → detections (in original-image coordinates when
   * rescaling). `meta` defaults to the config's `img_metas[0]`, else to the unpadded input itself.
   * The networks run on TF.js, or after {@link useOnnx} on its sessions; everything between them
   * (proposals, RoIAlign, cascade refinement, NMS, mask pasting) is the same JS either way.
   * Every tensor it creates is disposed before it resolves.
   */
  async simpleTest(x: tf.Tensor4D, meta?: ImageMeta, options: SimpleTestOptions = {}): Promise<SimpleTestResult> {
    if (x.rank !== 4 || x.shape[0] !== 1 || x.shape[3] !== 3) {
      throw new Error(`FasterRCNN.simpleTest takes one image as NHWC [1, H, W, 3]; got [${x.shape.join(', ')}]`);
    }
    const imgMeta = meta ?? this.detector.imgMeta ?? { imgShape: [x.shape[1], x.shape[2]], scaleFactor: [1, 1, 1, 1] };
    const sessions = this.onnxSessions ?? undefined;
    const { rpn, features } = await this.hostOutputs(x, sessions);
    return this.testOnHost(rpn, features, imgMeta, options, sessions);
  }

  /**
   * The RoI head graphs of the onnxruntime engine, in session order: the bbox head of every stage
   * (input `roi_feats` [N, C·P·P] → `cls_score`, `scores`, `bbox_pred`), then the mask head of every
   * stage (inputs `roi_feats`, `labels` [N] → `mask_logits`, `mask_probs` [N, M, M]; HTC's mask
   * heads also take `res_feats` from stage 1 on and give `mask_feats`, the information flow), then
   * HTC's semantic head (neck levels `neck_{i}` → `semantic_feat`). One stage for Faster / Mask
   * R-CNN. The features graph is {@link toOnnx}.
   */
  onnxHeadGraphs(): OnnxHeadGraph[] {
    const { bbox, mask, semantic } = this.roiHead.networks();
    const cascade = bbox.length > 1;
    const name = (base: string, s: number) => (cascade ? `${base}-${s}` : base);
    const stage = (s: number) => (cascade ? ` of stage ${s}` : '');
    return [
      ...bbox.map((head, s) => ({
        kind: 'bbox' as const,
        stage: s,
        suffix: name('roi-head', s),
        description: `the RoI bbox head${stage(s)} (input roi_feats [N, ${head.config.inChannels}·${head.config.roiFeatSize}·${head.config.roiFeatSize}] → cls_score, scores, bbox_pred)`,
        toOnnx: (options?: { weights?: OnnxWeightDtype }) => head.toOnnx(options),
      })),
      ...mask.map((head, s) => ({
        kind: 'mask' as const,
        stage: s,
        suffix: name('mask-head', s),
        description: `the mask head${stage(s)} (${head.onnxSignature})`,
        toOnnx: (options?: { weights?: OnnxWeightDtype }) => head.toOnnx(options),
      })),
      ...(semantic
        ? [
            {
              kind: 'semantic' as const,
              stage: 0,
              suffix: 'semantic-head',
              description: `the semantic head (inputs neck_0 … neck_${semantic.inputLevels - 1} [1, H, W, ${semantic.config.inChannels}] → semantic_feat [1, H, W, ${semantic.config.convOutChannels}])`,
              toOnnx: (options?: { weights?: OnnxWeightDtype }) => semantic.toOnnx(options),
            },
          ]
        : []),
    ];
  }

  /**
   * Runs the networks on ONNX sessions from here on: `createSession` (e.g. onnxruntime-node's
   * `createOrtSession` with its options) gets the features graph ({@link toOnnx}) and each RoI head
   * graph ({@link onnxHeadGraphs}), one at a time; the bytes are not kept. Faster, Mask, Cascade
   * (Mask) R-CNN and HTC alike. If a session fails to open, those already open are released. Call
   * {@link releaseOnnx} (or `dispose`) to free the sessions; {@link releaseOnnx} goes back to TF.js.
   */
  async useOnnx(createSession: (model: Uint8Array) => Promise<OnnxSession>): Promise<void> {
    await this.releaseOnnx();
    const opened: OnnxSession[] = [];
    const open = async (bytes: () => Uint8Array) => {
      const session = await createSession(bytes());
      opened.push(session);
      return session;
    };
    try {
      const features = await open(() => this.toOnnx());
      const bboxHeads: OnnxSession[] = [];
      const maskHeads: OnnxSession[] = [];
      let semanticHead: OnnxSession | undefined;
      for (const graph of this.onnxHeadGraphs()) {
        const session = await open(() => graph.toOnnx());
        if (graph.kind === 'semantic') semanticHead = session;
        else (graph.kind === 'bbox' ? bboxHeads : maskHeads).push(session);
      }
      this.onnxSessions = { features, bboxHeads, maskHeads, ...(semanticHead ? { semanticHead } : {}) };
    } catch (e) {
      await Promise.allSettled(opened.map((s) => s.release()));
      throw e;
    }
  }

  /** Frees the sessions of {@link useOnnx} (every one); TF.js runs the networks again. */
  async releaseOnnx(): Promise<void> {
    const sessions = this.onnxSessions;
    this.onnxSessions = null;
    if (!sessions) return;
    const all = [sessions.features, ...sessions.bboxHeads, ...sessions.maskHeads, ...(sessions.semanticHead ? [sessions.semanticHead] : [])];
    await Promise.all(all.map((s) => s.release()));
  }

  /** Frees the weights and, after {@link useOnnx}, every ONNX session (released without waiting). */
  override dispose(): void {
    void this.releaseOnnx().catch(() => {});
    super.dispose();
  }

  /**
   * The first part of {@link simpleTest} on one image, on the engine in use (the `features` session
   * after {@link useOnnx}, else TF.js): the RPN conv outputs and the neck levels the RoI extractor
   * pools from, as host arrays (NHWC).
   */
  hostFeatures(x: tf.Tensor4D): Promise<{ rpn: RpnLevelOutput[]; features: FeatureMap[] }> {
    return this.hostOutputs(x, this.onnxSessions ?? undefined);
  }

  /** Neck levels the RoI head reads on the host: the RoI extractor's, or more (HTC's semantic head reads all). */
  private get hostLevels(): number {
    return Math.max(this.detector.roiExtractor.featmapStrides.length, this.roiHead.inputLevels ?? 0);
  }

  private async hostOutputs(x: tf.Tensor4D, sessions: DetectorOnnxSessions | undefined): Promise<{ rpn: RpnLevelOutput[]; features: FeatureMap[] }> {
    if (!sessions) return this.levelsToHost(this.neckLevels(x));
    const out = await sessions.features.run({ input: { data: (await x.data()) as Float32Array, dims: [...x.shape] } });
    const pick = (name: string) => {
      if (!out[name]) throw new Error(`the detector's ONNX session has no output '${name}': export it with FasterRCNN.toOnnx()`);
      return out[name];
    };
    const rpn = Array.from({ length: this.rpnHead.anchorGenerator.numLevels }, (_, i) => {
      const cls = pick(`rpn_cls_${i}`);
      return { logits: cls.data, deltas: pick(`rpn_reg_${i}`).data, height: cls.dims[1], width: cls.dims[2] };
    });
    const features = Array.from({ length: this.hostLevels }, (_, i) => {
      const t = pick(`neck_out_${i}`);
      return { data: t.data, height: t.dims[1], width: t.dims[2], channels: t.dims[3] };
    });
    return { rpn, features };
  }

  /**
   * The RPN + RoI part of {@link simpleTest} on neck levels computed elsewhere (e.g. by a backbone
   * shared with other heads). Takes ownership of `levels` and disposes them. Runs on TF.js.
   */
  async simpleTestOnLevels(levels: tf.Tensor4D[], imgMeta: ImageMeta, options: SimpleTestOptions = {}): Promise<SimpleTestResult> {
    const { rpn, features } = await this.levelsToHost(levels);
    return this.testOnHost(rpn, features, imgMeta, options);
  }

  /** RPN convs on TF.js neck levels, and the pooled levels on the host; disposes `levels`. */
  private async levelsToHost(levels: tf.Tensor4D[]): Promise<{ rpn: RpnLevelOutput[]; features: FeatureMap[] }> {
    try {
      const rpn = await this.rpnHead.forwardToHost(levels);
      const used = levels.slice(0, this.hostLevels);
      const features = await Promise.all(
        used.map(async (t) => ({ data: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })),
      );
      return { rpn, features };
    } finally {
      tf.dispose(levels);
    }
  }

  /**
   * Everything after the networks' first part, the same for both engines: proposals from the RPN
   * outputs, then the RoI head (its networks on `sessions` when given, else on TF.js).
   */
  private async testOnHost(
    rpnOut: RpnLevelOutput[],
    features: FeatureMap[],
    imgMeta: ImageMeta,
    options: SimpleTestOptions,
    sessions?: RoIHeadSessions,
  ): Promise<SimpleTestResult> {
    const cfg = {
      rpn: { ...this.testCfg.rpn, ...options.testCfg?.rpn },
      rcnn: { ...this.testCfg.rcnn, ...options.testCfg?.rcnn },
    };
    const proposals = this.rpnHead.getProposals(rpnOut, imgMeta.imgShape, cfg.rpn);
    const dets = await this.roiHead.simpleTest(features, proposals, imgMeta, cfg.rcnn, {
      rescale: options.rescale ?? this.detector.rescale,
      allowedLabels: options.allowedLabels,
      sessions,
    });
    return { proposals, ...dets };
  }

  /** Class names by label id: as set (a checkpoint's `meta.CLASSES`), else COCO's for 80 classes, else `class_{i}`. */
  get classNames(): readonly string[] {
    return this.customClassNames ?? detectorClassNames(this.detector.bboxHead.numClasses);
  }

  set classNames(names: readonly string[]) {
    this.customClassNames = checkedClassNames('FasterRCNN', names, this.detector.bboxHead.numClasses);
  }
}
