import * as tf from '@tensorflow/tfjs-core';
import { type Box, encodeMask, getPreset, type ImageInput, loadModel, type ModelSource, type OnnxSession, PRESET_IDS, type Rle, toRgbImage } from '@hrnetjs/core';
import { FasterRCNN, type SimpleTestOptions, type TwoStageRoIHead } from './faster-rcnn.js';
import { FCOS } from './fcos.js';
import type { FcosTestConfig } from './fcos-config.js';
import type { Detections } from './multiclass-nms.js';
import type { InstanceMasks } from './paste-mask.js';
import { type DetectionPipelineConfig, preprocessForDetection } from './preprocess.js';
import { MMDET_BUILDER } from './register.js';

/** One detected object, in original-image pixels (the Transformers.js object-detection shape + id). */
export interface Detection {
  box: Box;
  /** Class name (COCO names for 80-class models). */
  label: string;
  /** 0-based class index (mmdet label). */
  labelId: number;
  score: number;
  /** Instance mask (models with a mask head): row-major 0/1 bitmap of the original image + COCO RLE. */
  mask?: InstanceMask;
}

/** One detection's mask in original-image pixels. */
export interface InstanceMask {
  width: number;
  height: number;
  /** Row-major, 1 = object. */
  data: Uint8Array;
  /** The same mask as COCO compressed RLE (pycocotools `mask.encode`, column-major runs). */
  rle: Rle;
}

/** Options of {@link detect}. */
export interface DetectOptions {
  /** Keep detections with score > this (replaces `test_cfg.rcnn.score_thr`, 0.05 by default). */
  scoreThreshold?: number;
  /** Only these classes (names or 0-based ids); applied before NMS and the maxDetections cut. */
  classes?: ReadonlyArray<string | number>;
  /** At most this many detections (replaces `test_cfg.rcnn.max_per_img`, 100 by default). */
  maxDetections?: number;
  /** Overrides of the model's `testPipeline` (resize scale, normalisation, padding). */
  pipeline?: Partial<DetectionPipelineConfig>;
  /**
   * Overrides of the remaining test settings: `rpn` / `rcnn` of two-stage models (RPN nms_pre, IoU
   * thresholds, …); FCOS reads the flat keys of its `test_cfg` (`nmsPre`, `iouThreshold`, …).
   */
  testCfg?: SimpleTestOptions['testCfg'] & Partial<FcosTestConfig>;
}

/** A model {@link detect} runs: Faster / Mask / Cascade (Mask) R-CNN, or FCOS. */
export type DetectorModel = FasterRCNN<TwoStageRoIHead> | FCOS;

function resolveClasses(classes: ReadonlyArray<string | number>, names: readonly string[]): Set<number> {
  return new Set(
    classes.map((c) => {
      const id = typeof c === 'number' ? c : names.indexOf(c);
      if (!Number.isInteger(id) || id < 0 || id >= names.length) {
        throw new Error(`unknown class ${JSON.stringify(c)}: use a 0-based id < ${names.length} or one of ${names.slice(0, 5).join(', ')}, …`);
      }
      return id;
    }),
  );
}

/**
 * Image in, boxes out, as mmdet 2.x `inference_detector` with the model's test pipeline: resize,
 * normalise, pad, run, rescale to the original image. Sorted by descending score. Every tensor it
 * creates is disposed.
 */
export async function detect(model: DetectorModel, image: ImageInput, options: DetectOptions = {}): Promise<Detection[]> {
  const rgb = await toRgbImage(image);
  const names = model.classNames;
  const allowedLabels = options.classes ? resolveClasses(options.classes, names) : undefined;
  if (options.maxDetections !== undefined && !(Number.isInteger(options.maxDetections) && options.maxDetections > 0)) {
    throw new Error(`maxDetections must be a positive integer, got ${options.maxDetections}`);
  }
  const input = preprocessForDetection(rgb, { ...model.testPipeline, ...options.pipeline });
  const rcnn = { ...options.testCfg?.rcnn };
  if (options.scoreThreshold !== undefined) rcnn.scoreThr = options.scoreThreshold;
  if (options.maxDetections !== undefined) rcnn.maxPerImg = options.maxDetections;
  const x = tf.tensor4d(input.data, input.shape);
  try {
    const result: Detections & { masks?: InstanceMasks } =
      model instanceof FCOS
        ? await model.simpleTest(x, input.meta, {
            testCfg: { ...options.testCfg, scoreThr: options.scoreThreshold ?? options.testCfg?.scoreThr, maxPerImg: options.maxDetections ?? options.testCfg?.maxPerImg },
            rescale: true,
            allowedLabels,
          })
        : await model.simpleTest(x, input.meta, { testCfg: { rpn: options.testCfg?.rpn, rcnn }, rescale: true, allowedLabels });
    return Array.from(result.scores, (score, i) => ({
      box: { xmin: result.bboxes[4 * i], ymin: result.bboxes[4 * i + 1], xmax: result.bboxes[4 * i + 2], ymax: result.bboxes[4 * i + 3] },
      label: names[result.labels[i]],
      labelId: result.labels[i],
      score,
      ...(result.masks ? { mask: instanceMask(result.masks.masks[i], result.masks.height, result.masks.width) } : {}),
    }));
  } finally {
    x.dispose();
  }
}

function instanceMask(data: Uint8Array, height: number, width: number): InstanceMask {
  return { width, height, data, rle: encodeMask(data, height, width) };
}

/** Options of {@link createDetector}: names and the defaults of every {@link Detector.detect} call. */
export interface DetectorOptions extends Pick<DetectOptions, 'scoreThreshold' | 'maxDetections'> {
  /** Class names by label id (default: the checkpoint's `meta.CLASSES`, else COCO's for 80 classes, else `class_{i}`). */
  classNames?: readonly string[];
}

/** The detection task: one {@link detect} method (mmdet `inference_detector`) and `dispose()`. */
export class Detector {
  private readonly defaults: DetectOptions;

  constructor(
    readonly model: DetectorModel,
    options: DetectorOptions = {},
  ) {
    if (options.classNames !== undefined) model.classNames = options.classNames;
    this.defaults = { scoreThreshold: options.scoreThreshold, maxDetections: options.maxDetections };
  }

  /** Class names by label id. */
  get classNames(): readonly string[] {
    return this.model.classNames;
  }

  /** Image in, boxes out (original-image pixels, score-descending). Per-call options win over the detector's. */
  detect(image: ImageInput, options: DetectOptions = {}): Promise<Detection[]> {
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    return detect(this.model, image, { ...this.defaults, ...given });
  }

  /**
   * Runs the networks on ONNX sessions from here on (any two-stage detector; see
   * {@link FasterRCNN.useOnnx}): e.g. `await detector.useOnnx(createOrtSession)` from `@hrnetjs/core/node`.
   */
  useOnnx(createSession: (model: Uint8Array) => Promise<OnnxSession>): Promise<void> {
    return this.model.useOnnx(createSession);
  }

  /** Frees the sessions of {@link useOnnx}; TF.js runs the networks again. */
  releaseOnnx(): Promise<void> {
    return this.model.releaseOnnx();
  }

  /** Frees the network's weights and every ONNX session of {@link useOnnx}. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * The detection task in one call: a {@link FasterRCNN} (or Mask / Cascade R-CNN, or an {@link FCOS}) or anything `loadModel` of `@hrnetjs/core`
 * takes (an mmdet checkpoint path in Node, its bytes, `{ weights, config }`), plus options. Class
 * names come from the checkpoint's `meta.CLASSES` when it has them.
 *
 * @example
 * const detector = await createDetector('faster_rcnn_hrnetv2p_w32_2x_coco.pth');
 * const detections = await detector.detect('street.jpg', { scoreThreshold: 0.5 });
 */
export async function createDetector(source: DetectorModel | ModelSource, options?: DetectorOptions): Promise<Detector> {
  if (source instanceof FasterRCNN || source instanceof FCOS) return new Detector(source, options);
  void MMDET_BUILDER; // mmdet models registered with core before loading
  const { model } = await loadModel(source, { family: 'mmdet' });
  if (!(model instanceof FasterRCNN || model instanceof FCOS)) {
    model.dispose();
    const presets = PRESET_IDS.filter((id) => getPreset(id).family === 'mmdet').join(', ');
    throw new Error(
      `createDetector needs a detector (Faster / Mask / Cascade R-CNN or FCOS), but these weights built a ${model.constructor.name}: they fit none of ${presets}; ` +
        'pass { weights, config } with the mmdet model dict (rpn_head + roi_head, or an FCOSHead bbox_head) they were trained with',
    );
  }
  try {
    return new Detector(model, options);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
