import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { inferModelConfig, matchPreset, type ModelConfig, parseModelConfig, rankPresets, readCheckpoint } from '@hrnetjs/core';
import { readImageFile, useBackend } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { COCO_DATASET } from './datasets.js';
import { PoseModel } from './pose-model.js';
import { TopDownPoseEstimator, createPoseEstimator } from './top-down-estimator.js';

/** pose_tiny's architecture at a small input (random weights): fast, still a real PoseModel. */
function tinyConfig(imageSize: [number, number], extra: Record<string, unknown> = {}, joints = 17): ModelConfig {
  const raw = JSON.parse(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8'));
  raw.MODEL.IMAGE_SIZE = imageSize;
  raw.MODEL.NUM_JOINTS = joints;
  return parseModelConfig({ ...raw, ...extra });
}

const image = await readImageFile(fixturePath('pose', 'image.png'));
const BOXES = [
  { xmin: 200, ymin: 80, xmax: 350, ymax: 380 },
  { xmin: -88, ymin: 251, xmax: 175, ymax: 451 }, // leaves the image on the left
  { xmin: 500, ymin: 400, xmax: 700, ymax: 550 }, // leaves it at the bottom right
];

describe('TopDownPoseEstimator', () => {
  let model: PoseModel;
  beforeAll(async () => {
    await useBackend('wasm');
    model = new PoseModel(tinyConfig([64, 64]));
    return () => model.dispose();
  });

  it('returns one pose per box in input order, independent of the batch size', async () => {
    const estimator = await createPoseEstimator(model);
    const all = await estimator.estimatePoses(image, { boxes: BOXES, batchSize: 2 });
    expect(all.map((p) => p.box)).toEqual(BOXES);
    for (const [i, box] of BOXES.entries()) {
      const [single] = await estimator.estimatePoses(image, { boxes: [box] });
      expect(single.keypoints).toEqual(all[i].keypoints);
    }
    for (const pose of all) {
      expect(pose.keypoints.map((k) => k.name)).toEqual(COCO_DATASET.keypoints);
      expect(pose.keypoints.every((k) => Number.isFinite(k.x) && Number.isFinite(k.y) && Number.isFinite(k.score))).toBe(true);
      // float32, as the official np.prod(s * 200)
      expect(Math.abs(pose.area / (pose.scale[0] * 200 * pose.scale[1] * 200) - 1)).toBeLessThan(1e-7);
    }
  });

  it('keypoints stay inside the (padded) crop of their box, also for boxes outside the image', async () => {
    const poses = await (await createPoseEstimator(model)).estimatePoses(image, { boxes: BOXES });
    for (const pose of poses) {
      const halfW = (pose.scale[0] * 200) / 2;
      for (const k of pose.keypoints) {
        expect(Math.abs(k.x - pose.center[0])).toBeLessThanOrEqual(halfW);
        expect(Math.abs(k.y - pose.center[1])).toBeLessThanOrEqual(halfW); // square 64×64 input
      }
    }
  });

  it('uses the whole image as the box by default and accepts RGBA pixel data and tf.Tensor3D', async () => {
    const estimator = await createPoseEstimator(model);
    const [whole] = await estimator.estimatePoses(image);
    expect(whole.box).toEqual({ xmin: 0, ymin: 0, xmax: 640, ymax: 480 });
    const rgba = new Uint8ClampedArray(640 * 480 * 4);
    for (let p = 0; p < 640 * 480; p++) rgba.set(image.data.subarray(p * 3, p * 3 + 3), p * 4);
    const [fromRgba] = await estimator.estimatePoses({ data: rgba, width: 640, height: 480 });
    expect(fromRgba.keypoints).toEqual(whole.keypoints);
    const tensor = tf.tensor3d(Int32Array.from(image.data), [480, 640, 3], 'int32');
    const [fromTensor] = await estimator.estimatePoses(tensor);
    expect(fromTensor.keypoints).toEqual(whole.keypoints);
    expect(tensor.isDisposed).toBe(false);
    tensor.dispose();
  });

  it('honours flipTest / postProcess per call and TEST.* keys of the config', async () => {
    const estimator = await createPoseEstimator(model);
    const boxes = [BOXES[0]];
    const [flip] = await estimator.estimatePoses(image, { boxes });
    const [noFlip] = await estimator.estimatePoses(image, { boxes, flipTest: false });
    expect(noFlip.keypoints).not.toEqual(flip.keypoints);
    const [raw] = await estimator.estimatePoses(image, { boxes, flipTest: false, postProcess: false });
    // Without the quarter offset, heatmap coordinates are whole pixels of 281.25 / 16 image px.
    const step = (raw.scale[0] * 200) / 16;
    for (const k of raw.keypoints) expect(Math.abs((k.x - raw.center[0]) / step - Math.round((k.x - raw.center[0]) / step))).toBeLessThan(1e-4);

    const off = new TopDownPoseEstimator(model, { flipTest: false, postProcess: false });
    expect((await off.estimatePoses(image, { boxes }))[0].keypoints).toEqual(raw.keypoints);
    const configured = new PoseModel(tinyConfig([64, 64], { TEST: { FLIP_TEST: false, POST_PROCESS: false } }));
    const byConfig = new TopDownPoseEstimator(configured);
    expect([byConfig.settings.flipTest, byConfig.settings.postProcess, byConfig.settings.shiftHeatmap]).toEqual([false, false, true]);
    configured.dispose();
  });

  it('needs flip pairs for joint counts other than COCO 17 / MPII 16 when flipping', async () => {
    const five = new PoseModel(tinyConfig([64, 64], {}, 5));
    const estimator = await createPoseEstimator(five);
    await expect(estimator.estimatePoses(image)).rejects.toThrow(/flip test needs the left\/right flip pairs of this 5-joint model/);
    const [pose] = await estimator.estimatePoses(image, { flipTest: false });
    expect(pose.keypoints.map((k) => k.name)).toEqual(['joint_0', 'joint_1', 'joint_2', 'joint_3', 'joint_4']);
    const dataset = { name: 'five', keypoints: ['a', 'l', 'r', 'b', 'c'], flipPairs: [[1, 2]] as [number, number][], skeleton: [] };
    expect((await (await createPoseEstimator(five, { dataset })).estimatePoses(image))[0].keypoints[1].name).toBe('l');
    await expect(createPoseEstimator(five, { dataset: COCO_DATASET })).rejects.toThrow(/has 17 keypoints but the model outputs 5 heatmaps/);
    five.dispose();
  });

  it('the multi-person path drops low boxes, rescores and removes duplicates by OKS-NMS', async () => {
    const estimator = await createPoseEstimator(model, { imageThre: 0.3 });
    const boxes = [
      { ...BOXES[0], score: 0.8 },
      { ...BOXES[0], score: 0.9 }, // the same person twice: OKS 1 → suppressed
      { ...BOXES[2], score: 0.6 },
      { ...BOXES[1], score: 0.1 }, // below IMAGE_THRE
    ];
    const kept = await estimator.estimatePoses(image, { boxes, nms: true });
    const all = await estimator.estimatePoses(image, { boxes });
    expect(all).toHaveLength(4);
    expect(kept.map((p) => p.box.score)).toEqual(kept[0].score >= kept[1].score ? [0.9, 0.6] : [0.6, 0.9]);
    for (const p of kept) {
      const mean = p.keypoints.filter((k) => k.score > 0.2).reduce((s, k, _, a) => s + k.score / a.length, 0);
      expect(p.score).toBeCloseTo(mean * (p.box.score ?? 1), 6);
    }
  });

  it("with { detector }: keeps the person boxes of the detector's usual output (up to maxPeople) and runs them through rescoring + OKS-NMS", async () => {
    const calls: unknown[] = [];
    const detector = {
      detect: async (_: unknown, options: unknown) => {
        calls.push(options);
        return [
          { box: BOXES[0], label: 'person', labelId: 0, score: 0.9 },
          { box: BOXES[1], label: 'kite', labelId: 33, score: 0.85 }, // not a person → never reaches the pose network
          { box: BOXES[0], label: 'person', labelId: 0, score: 0.8 }, // the same person twice → suppressed
          { box: BOXES[2], label: 'person', labelId: 0, score: 0.6 },
          { box: BOXES[1], label: 'person', labelId: 0, score: 0.5 }, // beyond maxPeople
        ];
      },
    };
    const multi = await createPoseEstimator(model, { detector, imageThre: 0.3 });
    const poses = await multi.estimatePoses(image, { scoreThreshold: 0.3, maxPeople: 3 });
    // All classes, with the detector's own max_per_img cut (as the official person boxes were made).
    expect(calls).toEqual([{ scoreThreshold: 0.3 }]);
    const single = await (await createPoseEstimator(model, { imageThre: 0.3 })).estimatePoses(image, {
      boxes: [{ ...BOXES[0], score: 0.9 }, { ...BOXES[0], score: 0.8 }, { ...BOXES[2], score: 0.6 }],
      nms: true,
    });
    expect(poses).toEqual(single);
    expect(poses.map((p) => p.box.score).sort()).toEqual([0.6, 0.9]);
    const none = await createPoseEstimator(model, { detector: { detect: async () => [] } });
    expect(await none.estimatePoses(image)).toEqual([]);
    await expect(createPoseEstimator(model, { detector: {} as never })).rejects.toThrow(/options.detector must have a detect/);
    await expect(multi.estimatePoses(image, { maxPeople: 0 })).rejects.toThrow(/maxPeople must be a positive integer, got 0/);
  });

  it('with { detector, personClass }: a 0-based class id selects the people; an unknown class name is named', async () => {
    const found = [
      { box: BOXES[0], label: 'class_0', labelId: 0, score: 0.9 },
      { box: BOXES[2], label: 'class_24', labelId: 24, score: 0.5 },
    ];
    const detector = { classNames: ['class_0', 'class_24'], detect: async () => found };
    const byId = await (await createPoseEstimator(model, { detector, personClass: 24, imageThre: 0.3 })).estimatePoses(image);
    expect(byId.map((p) => p.box)).toEqual([{ ...BOXES[2], score: 0.5 }]);
    await expect((await createPoseEstimator(model, { detector })).estimatePoses(image)).rejects.toThrow(/unknown person class 'person'.*class_0, class_24/);
  });

  it('createPoseEstimator(path): pose models are registered with core, the config is read from the weights when no preset fits', async () => {
    const { stateDict } = readCheckpoint(readFileSync(fixturePath('pose', 'pose_tiny.pth')));
    expect(rankPresets(stateDict, 'pose').map((f) => f.id)).toHaveLength(6);
    expect(matchPreset(stateDict)).toBeNull();
    const estimator = await createPoseEstimator(fixturePath('pose', 'pose_tiny.pth'), { flipTest: false });
    expect(estimator.model.config.backbone).toEqual(inferModelConfig(stateDict).backbone);
    expect(estimator.settings.inputSize).toEqual([192, 256]); // COCO's usual input for 17 joints
    expect(estimator.settings.flipTest).toBe(false);
    estimator.dispose();
    await expect(createPoseEstimator(fixturePath('seg', 'seg_tiny.pth'))).rejects.toThrow(/expected a 'pose' model/);
  });

  it('rejects bad boxes, batch sizes and images with clear errors', async () => {
    const estimator = await createPoseEstimator(model);
    await expect(estimator.estimatePoses(image, { boxes: [{ xmin: 0, ymin: 0, xmax: -5, ymax: 3 }] })).rejects.toThrow(/boxes\[0\] needs xmax > xmin/);
    await expect(estimator.estimatePoses(image, { batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    await expect(estimator.estimatePoses({ data: new Uint8Array(5), width: 2, height: 2 })).rejects.toThrow(/3 \(RGB\) or 4 \(RGBA\)/);
    const floats = tf.fill([2, 2, 3], 300);
    await expect(estimator.estimatePoses(floats as tf.Tensor3D)).rejects.toThrow(/values must be 0\.\.255/);
    await expect(estimator.estimatePoses(tf.zeros([2, 2]) as unknown as tf.Tensor3D)).rejects.toThrow(/\[height, width, 3 or 4\]/);
    tf.dispose(floats);
  });

  it('keeps tf.memory().numTensors constant over 100 estimatePoses calls', async () => {
    const small = new PoseModel(tinyConfig([32, 32]));
    const estimator = await createPoseEstimator(small);
    await estimator.estimatePoses(image, { boxes: [BOXES[0]] }); // first run folds BatchNorm once
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) await estimator.estimatePoses(image, { boxes: [BOXES[i % 3], BOXES[(i + 1) % 3]] });
    expect(tf.memory().numTensors).toBe(before);
    small.dispose();
  });
});
