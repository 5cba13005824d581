import * as tf from '@tensorflow/tfjs-core';
import { type ModelConfig, type Module, TaskModel } from '@hrnetjs/core';
import { detectorClassNames } from './coco-classes.js';
import { DetectionFeatureModel } from './detection-model.js';
import { type FasterRcnnConfig, type FasterRcnnTestConfig, type ImageMeta, isFasterRcnnDetector, parseFasterRcnnConfig } from './faster-rcnn-config.js';
import type { Detections, RcnnTestConfig } from './multiclass-nms.js';
import type { InstanceMasks } from './paste-mask.js';
import type { FeatureMap } from './roi-align.js';
import { StandardRoIHead } from './roi-head.js';
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

/** What the two-stage detector asks of its `roi_head`: the whole RoI stage at test time. */
export interface TwoStageRoIHead extends Module {
  simpleTest(
    features: FeatureMap[],
    proposals: Float32Array,
    meta: ImageMeta,
    cfg: RcnnTestConfig,
    options: { rescale: boolean; allowedLabels?: ReadonlySet<number> },
  ): Promise<Detections & { masks?: InstanceMasks }>;
  /** Mask heads only: each stage's mask logits at each RoI's label (flat [N × M × M] per stage). */
  stageMaskLogits?(features: FeatureMap[], rois: Float32Array, labels: Int32Array): Promise<Float32Array[]>;
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

  /** The neck levels (NHWC, finest first) of a batch; the caller disposes them. */
  neckLevels(x: tf.Tensor4D): tf.Tensor4D[] {
    return this.features.neckLevels(x);
  }

  /**
   * mmdet `TwoStageDetector.simple_test` for ONE image (NHWC [1, H, W, 3], normalised and padded):
   * features → RPN proposals → RoI head → detections (in original-image coordinates when
   * rescaling). `meta` defaults to the config's `img_metas[0]`, else to the unpadded input itself.
   * Every tensor it creates is disposed before it resolves.
   */
  async simpleTest(x: tf.Tensor4D, meta?: ImageMeta, options: SimpleTestOptions = {}): Promise<SimpleTestResult> {
    if (x.rank !== 4 || x.shape[0] !== 1 || x.shape[3] !== 3) {
      throw new Error(`FasterRCNN.simpleTest takes one image as NHWC [1, H, W, 3]; got [${x.shape.join(', ')}]`);
    }
    const imgMeta = meta ?? this.detector.imgMeta ?? { imgShape: [x.shape[1], x.shape[2]], scaleFactor: [1, 1, 1, 1] };
    return this.simpleTestOnLevels(this.neckLevels(x), imgMeta, options);
  }

  /**
   * The RPN + RoI part of {@link simpleTest} on neck levels computed elsewhere (e.g. by a backbone
   * shared with other heads). Takes ownership of `levels` and disposes them.
   */
  async simpleTestOnLevels(levels: tf.Tensor4D[], imgMeta: ImageMeta, options: SimpleTestOptions = {}): Promise<SimpleTestResult> {
    const cfg = {
      rpn: { ...this.testCfg.rpn, ...options.testCfg?.rpn },
      rcnn: { ...this.testCfg.rcnn, ...options.testCfg?.rcnn },
    };
    let features: FeatureMap[];
    let rpnOut;
    try {
      rpnOut = await this.rpnHead.forwardToHost(levels);
      const used = levels.slice(0, this.detector.roiExtractor.featmapStrides.length);
      features = await Promise.all(
        used.map(async (t) => ({ data: (await t.data()) as Float32Array, height: t.shape[1], width: t.shape[2], channels: t.shape[3] })),
      );
    } finally {
      tf.dispose(levels);
    }
    const proposals = this.rpnHead.getProposals(rpnOut, imgMeta.imgShape, cfg.rpn);
    const dets = await this.roiHead.simpleTest(features, proposals, imgMeta, cfg.rcnn, {
      rescale: options.rescale ?? this.detector.rescale,
      allowedLabels: options.allowedLabels,
    });
    return { proposals, ...dets };
  }

  /** Class names by label id: as set (a checkpoint's `meta.CLASSES`), else COCO's for 80 classes, else `class_{i}`. */
  get classNames(): readonly string[] {
    return this.customClassNames ?? detectorClassNames(this.detector.bboxHead.numClasses);
  }

  set classNames(names: readonly string[]) {
    const n = this.detector.bboxHead.numClasses;
    if (names.length !== n || names.some((name) => typeof name !== 'string' || name === '')) {
      throw new Error(`FasterRCNN: expected ${n} non-empty class names (bbox_head.num_classes), got ${names.length}`);
    }
    this.customClassNames = [...names];
  }
}
