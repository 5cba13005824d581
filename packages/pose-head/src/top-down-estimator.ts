import * as tf from '@tensorflow/tfjs-core';
import { type Box, boxToXywh, type Keypoint, loadModel, type ModelSource, type NetworkRunner, type RgbImage, validateBox } from '@hrnetjs/core';
import { type CenterScale, scaleArea, xywh2cs } from './center-scale.js';
import { cropPerson, normalizationTable, normalizeCrops } from './crop.js';
import { inferHeatmaps, inferHeatmapsWith } from './flip-test.js';
import { type PoseImageInput, toRgbImage } from './image-input.js';
import { getFinalPreds } from './inference.js';
import { oksNms, rescorePoses } from './oks-nms.js';
import { PoseModel } from './pose-model.js';
import { type PoseSettings, poseSettingsFromConfig } from './pose-settings.js';
import { POSE_BUILDER } from './register.js';

/** One person: the box it was estimated in, its keypoints (`score` = heatmap maximum, official `maxvals`) and the official COCO score. */
export interface Pose {
  box: Box;
  /** Box score × mean of the keypoint scores above IN_VIS_THRE (official rescoring). */
  score: number;
  keypoints: Keypoint[];
  /** The crop's center and scale (official `_xywh2cs`, scale in units of 200 px). */
  center: [number, number];
  scale: [number, number];
  /** (scale_w·200)·(scale_h·200): the area OKS-NMS uses. */
  area: number;
}

/**
 * What multi-person pose needs of a detector (`createDetector` of `@hrnetjs/detection-head` fits):
 * boxes with scores and class names, filtered by class, score and count.
 */
export interface PersonDetector {
  detect(image: PoseImageInput, options: { scoreThreshold?: number }): Promise<ReadonlyArray<{ box: Box; score: number; label: string; labelId: number }>>;
  /** Its class names (createDetector's have them): a person class name not among them is an error. */
  readonly classNames?: readonly string[];
}

/** Construction options: override any setting the model config gives (see {@link PoseSettings}). */
export interface PoseEstimatorOptions extends Partial<PoseSettings> {
  /**
   * Person boxes from this detector (multi-person pose, as the official COCO results are made):
   * detector boxes → top-down pose with their scores → rescoring and OKS-NMS.
   */
  detector?: PersonDetector;
  /** The detector class that is a person (COCO: 'person', id 0). */
  personClass?: string | number;
  /**
   * Runs the network instead of TF.js (e.g. `onnxRunner(session)` over `model.toOnnx()`, or
   * `createEngineRunner` of `@hrnetjs/core/node`); then all crops of an image (and their mirrored
   * copies) go through one call unless `batchSize` is given.
   */
  network?: NetworkRunner;
}

/** Per-call options of {@link TopDownPoseEstimator.estimatePoses}. */
export interface EstimatePosesOptions {
  /** Person boxes in image pixels; default: the detector's people, else the whole image as one box. */
  boxes?: readonly Box[];
  flipTest?: boolean;
  shiftHeatmap?: boolean;
  postProcess?: boolean;
  /** Crops per network call (default 8; with the flip test each call also runs the mirrored crops). */
  batchSize?: number;
  /**
   * Multi-person path for detector boxes: drop boxes scoring below IMAGE_THRE, then OKS-NMS at
   * OKS_THRE; poses come back best first. Without it: one pose per box, in input order.
   */
  nms?: boolean;
  /** With a detector: its score threshold for person boxes (default: the detector's test config). */
  scoreThreshold?: number;
  /** With a detector: at most this many people go to the pose network, best first. */
  maxPeople?: number;
}

/**
 * The official top-down pose pipeline (deep-high-resolution-net `validate` + `get_final_preds`):
 * box → center/scale, OpenCV-exact affine crop, ImageNet normalisation, batched network, flip test,
 * quarter-offset decoding and back-projection to image pixels.
 */
export class TopDownPoseEstimator {
  readonly settings: PoseSettings;
  readonly detector: PersonDetector | null;
  private readonly personClass: string | number;
  private readonly tables: Float32Array[];
  private readonly flipPairsKnown: boolean;
  private readonly network?: NetworkRunner;

  constructor(
    readonly model: PoseModel,
    options: PoseEstimatorOptions = {},
  ) {
    const { detector, personClass, network, ...overrides } = options;
    this.network = network;
    const fromConfig = poseSettingsFromConfig(model.config);
    // An option given as undefined keeps the config's value.
    const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
    this.settings = { ...fromConfig, ...given };
    const numJoints = model.config.head.type === 'pose' ? model.config.head.numJoints : 0;
    const { dataset } = this.settings;
    if (dataset.keypoints.length !== numJoints) {
      throw new Error(`dataset '${dataset.name}' has ${dataset.keypoints.length} keypoints but the model outputs ${numJoints} heatmaps`);
    }
    this.flipPairsKnown = options.dataset !== undefined || fromConfig.dataset.flipPairs.length > 0;
    this.tables = normalizationTable(this.settings.mean, this.settings.std);
    if (detector !== undefined && typeof detector?.detect !== 'function') throw new Error('options.detector must have a detect(image, options) method (e.g. createDetector of @hrnetjs/detection-head)');
    this.detector = detector ?? null;
    this.personClass = personClass ?? 'person';
  }

  /**
   * Estimates one pose per box (or, with `nms`, the OKS-NMS survivors) in image pixels. With a
   * detector and no boxes: the detector's people, with their scores, rescoring and OKS-NMS.
   */
  async estimatePoses(image: PoseImageInput, options: EstimatePosesOptions = {}): Promise<Pose[]> {
    if (this.detector && options.boxes === undefined) {
      const rgb = await toRgbImage(image);
      const people = await this.detectPeople(rgb, options);
      if (people.length === 0) return [];
      const boxes = people.map(({ box, score }) => ({ xmin: box.xmin, ymin: box.ymin, xmax: box.xmax, ymax: box.ymax, score }));
      return this.estimateInBoxes(rgb, { ...options, boxes, nms: options.nms ?? true });
    }
    return this.estimateInBoxes(image, options);
  }

  /**
   * The official person boxes: the detector's usual output (its max_per_img best over all classes)
   * filtered to people, then at most `maxPeople`. A person-only detection would keep more, weaker
   * boxes than the official COCO results have.
   */
  private async detectPeople(rgb: RgbImage, options: EstimatePosesOptions) {
    const person = this.personClass;
    const names = this.detector?.classNames;
    if (typeof person === 'string' && names && !names.includes(person)) {
      throw new Error(`unknown person class '${person}': the detector's classes are ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''} (or pass a 0-based id)`);
    }
    const { maxPeople } = options;
    if (maxPeople !== undefined && !(Number.isInteger(maxPeople) && maxPeople > 0)) throw new Error(`maxPeople must be a positive integer, got ${maxPeople}`);
    const detections = (await this.detector?.detect(rgb, { scoreThreshold: options.scoreThreshold })) ?? [];
    return detections.filter((d) => (typeof person === 'number' ? d.labelId === person : d.label === person)).slice(0, maxPeople);
  }

  /** Frees the pose network's weights (a detector passed in stays the caller's). */
  dispose(): void {
    this.model.dispose();
  }

  private async estimateInBoxes(image: PoseImageInput, options: EstimatePosesOptions): Promise<Pose[]> {
    const flipTest = options.flipTest ?? this.settings.flipTest;
    if (flipTest && !this.flipPairsKnown) {
      throw new Error(
        `the flip test needs the left/right flip pairs of this ${this.settings.dataset.keypoints.length}-joint model: ` +
          'pass a dataset with flipPairs to the estimator, or set flipTest: false',
      );
    }
    const batchSize = options.batchSize ?? (this.network ? Number.MAX_SAFE_INTEGER : 8);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    const rgb = await toRgbImage(image);
    let boxes: readonly Box[] = options.boxes ?? [{ xmin: 0, ymin: 0, xmax: rgb.width, ymax: rgb.height }];
    if (!Array.isArray(boxes)) throw new Error('boxes must be an array of {xmin, ymin, xmax, ymax[, score]}');
    boxes.forEach((b, i) => validateBox(b, `boxes[${i}]`));
    if (options.nms) boxes = boxes.filter((b) => (b.score ?? 1) >= this.settings.imageThre);

    const [inW, inH] = this.settings.inputSize;
    // The official boxes are x, y, w = x2 − x1, h = y2 − y1 (the COCO detection results' bbox).
    const encoded = boxes.map((b) => {
      const [x, y, width, height] = boxToXywh(b);
      return xywh2cs({ x, y, width, height }, inW / inH);
    });
    const poses: Pose[] = [];
    for (let start = 0; start < boxes.length; start += batchSize) {
      const chunk = encoded.slice(start, start + batchSize);
      const crops = chunk.map((cs) => cropPerson(rgb, cs, this.settings.inputSize));
      const input = tf.tensor4d(normalizeCrops(crops, this.tables), [chunk.length, inH, inW, 3]);
      let heatmaps: tf.Tensor4D | undefined;
      let nchw: tf.Tensor4D | undefined;
      try {
        const inferenceOptions = {
          flipTest,
          shiftHeatmap: options.shiftHeatmap ?? this.settings.shiftHeatmap,
          flipPairs: this.settings.dataset.flipPairs,
        };
        heatmaps = this.network
          ? await inferHeatmapsWith(this.network, input, inferenceOptions)
          : inferHeatmaps(this.model, input, inferenceOptions);
        nchw = tf.transpose(heatmaps, [0, 3, 1, 2]);
        const data = (await nchw.data()) as Float32Array;
        const shape = nchw.shape as [number, number, number, number];
        const preds = getFinalPreds({ data, shape }, chunk, options.postProcess ?? this.settings.postProcess);
        chunk.forEach((cs, n) => poses.push(this.toPose(boxes[start + n], cs, preds.coords, preds.maxvals, n)));
      } finally {
        tf.dispose([input, heatmaps, nchw].filter((t) => t !== undefined) as tf.Tensor[]);
      }
    }
    rescorePoses(poses, this.settings.inVisThre).forEach((s, i) => (poses[i].score = s));
    if (!options.nms) return poses;
    return oksNms(poses, this.settings.oksThre, this.settings.dataset.sigmas).map((i) => poses[i]);
  }

  private toPose(box: Box, cs: CenterScale, coords: Float32Array, maxvals: Float32Array, n: number): Pose {
    const names = this.settings.dataset.keypoints;
    const keypoints: Keypoint[] = names.map((name, j) => {
      const k = n * names.length + j;
      return { name, x: coords[k * 2], y: coords[k * 2 + 1], score: maxvals[k] };
    });
    const { xmin, ymin, xmax, ymax, score } = box;
    return {
      box: score === undefined ? { xmin, ymin, xmax, ymax } : { xmin, ymin, xmax, ymax, score },
      score: 0,
      keypoints,
      center: cs.center,
      scale: cs.scale,
      area: scaleArea(cs.scale),
    };
  }
}

/**
 * The pose task in one call (TF.js pose-detection's `createDetector`): a {@link PoseModel} or
 * anything `loadModel` of `@hrnetjs/core` takes (a checkpoint path in Node, its bytes, a Checkpoint,
 * `{ weights, config }`), plus options; `{ detector }` makes it multi-person.
 *
 * @example
 * const estimator = await createPoseEstimator('pose_hrnet_w32_256x192.pth');
 * const poses = await estimator.estimatePoses('person.jpg');
 */
export async function createPoseEstimator(source: PoseModel | ModelSource, options?: PoseEstimatorOptions): Promise<TopDownPoseEstimator> {
  if (source instanceof PoseModel) return new TopDownPoseEstimator(source, options);
  void POSE_BUILDER; // pose models registered with core before loading
  const { model } = await loadModel(source, { family: 'pose' });
  if (!(model instanceof PoseModel)) throw new Error(`expected a pose model, got ${model.constructor.name}`);
  try {
    return new TopDownPoseEstimator(model, options);
  } catch (error) {
    model.dispose();
    throw error;
  }
}
