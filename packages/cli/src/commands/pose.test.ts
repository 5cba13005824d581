import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, parseModelConfig } from '@hrnetjs/core';
import { readCheckpointFile, readImageFile, readNpyFile, useBackend } from '@hrnetjs/core/node';
import { createPoseEstimator, type Pose, PoseModel } from '@hrnetjs/pose-head';
import { oksNms } from '@hrnetjs/pose-head/ops';
import { fixturePath, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBox } from './pose.js';

const hrnetPose = (...args: string[]) => runHrnet('pose', ...args);

interface JsonPose {
  box: Record<string, number>;
  score: number;
  keypoints: Array<{ name: string; x: number; y: number; score: number }>;
}

/** Largest keypoint error (px) and score error against the official [1, 17, 2] preds / [1, 17, 1] maxvals. */
async function against(pose: JsonPose, preds: string, maxvals: string): Promise<{ px: number; score: number }> {
  const p = (await readNpyFile(fixturePath('pose', preds))).values as Float32Array;
  const m = (await readNpyFile(fixturePath('pose', maxvals))).values as Float32Array;
  let px = 0;
  let score = 0;
  pose.keypoints.forEach((k, j) => {
    px = Math.max(px, Math.abs(k.x - p[j * 2]), Math.abs(k.y - p[j * 2 + 1]));
    score = Math.max(score, Math.abs(k.score - m[j]));
  });
  return { px, score };
}

const IMAGE = fixturePath('pose', 'image.png');
const TINY = ['--weights', fixturePath('pose', 'pose_tiny.pth'), '--config', fixturePath('pose', 'pose_tiny_config.json'), '--backend', 'wasm'];
const [x, y, w, h] = JSON.parse(readFileSync(fixturePath('pose', 'box.json'), 'utf8')).box_xywh as number[];

describe('pnpm hrnet pose', () => {
  const out = mkdtempSync(join(tmpdir(), 'hrnet-pose-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('--json reproduces the official preds / maxvals for box.json, keeps box order, draws --out', async () => {
    const json = join(out, 'poses.json');
    const png = join(out, 'overlay.png');
    const result = await hrnetPose(IMAGE, ...TINY, '--box', `${x},${y},${w},${h}`, '--box=-88,251,263,200', '--json', json, '--out', png);
    expect(result.stderr).toMatch(/backend: wasm/);
    expect(result.code).toBe(0);
    const { poses } = JSON.parse(readFileSync(json, 'utf8')) as { poses: JsonPose[] };
    // --box takes COCO's x,y,w,h; the JSON writes the one Box shape of every output.
    expect(poses.map((p) => p.box)).toEqual([{ xmin: x, ymin: y, xmax: x + w, ymax: y + h }, { xmin: -88, ymin: 251, xmax: 175, ymax: 451 }]);
    expect(Object.keys(poses[0])).toEqual(['box', 'score', 'keypoints']);
    expect(poses[0].keypoints[0].name).toBe('nose');
    const { px, score } = await against(poses[0], 'preds.npy', 'maxvals.npy');
    expect(px).toBeLessThan(1e-3);
    expect(score).toBeLessThan(1e-3);
    const overlay = await decodeImage(readFileSync(png));
    const original = await decodeImage(readFileSync(IMAGE));
    expect([overlay.width, overlay.height]).toEqual([640, 480]);
    expect(Buffer.from(overlay.data).equals(Buffer.from(original.data))).toBe(false);
  });

  it('--no-flip reproduces preds_noflip on stdout; no --box means the whole image', async () => {
    const noFlip = await hrnetPose(IMAGE, ...TINY, '--box', `${x},${y},${w},${h}`, '--no-flip');
    expect(noFlip.code).toBe(0);
    const { px, score } = await against(JSON.parse(noFlip.stdout).poses[0], 'preds_noflip.npy', 'maxvals_noflip.npy');
    expect(px).toBeLessThan(1e-3);
    expect(score).toBeLessThan(1e-3);
    const whole = await hrnetPose(IMAGE, ...TINY, '--no-flip');
    expect(JSON.parse(whole.stdout).poses.map((p: JsonPose) => p.box)).toEqual([{ xmin: 0, ymin: 0, xmax: 640, ymax: 480 }]);
  });

  it('fails with one clear line for a bad box, a missing image or no weights', async () => {
    const bad = await hrnetPose(IMAGE, ...TINY, '--box', '1,2,3');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--box must be x,y,width,height\[,score\].*got '1,2,3'/);
    const missing = await hrnetPose(join(out, 'nope.png'), ...TINY);
    expect(missing.stderr).toMatch(/image not found: .*nope\.png/);
    const noWeights = await hrnetPose(IMAGE);
    expect(noWeights.stderr).toMatch(/--weights is required/);
  });
});

describe('parseBox', () => {
  it('reads x,y,w,h and an optional score; rejects anything else', () => {
    expect(parseBox('-88,251,263,200')).toEqual({ xmin: -88, ymin: 251, xmax: 175, ymax: 451 });
    expect(parseBox('1, 2, 3, 4, 0.5')).toEqual({ xmin: 1, ymin: 2, xmax: 4, ymax: 6, score: 0.5 });
    expect(() => parseBox('1,2,3,x')).toThrow(/--box must be x,y,width,height/);
    expect(() => parseBox('1,2,0,4')).toThrow(/positive width and height/);
  });
});

describe('pnpm hrnet pose: model from the weights', () => {
  const out = mkdtempSync(join(tmpdir(), 'hrnet-pose-det-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('without --config reads the architecture from the weights and still reproduces the official preds', async () => {
    const json = join(out, 'inferred.json');
    const result = await hrnetPose(IMAGE, '--weights', fixturePath('pose', 'pose_tiny_legacy.pth'), '--box', `${x},${y},${w},${h}`, '--json', json, '--backend', 'wasm');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/pose model: architecture read from the weights \(17 joints\), input 192×256/);
    const { poses } = JSON.parse(readFileSync(json, 'utf8')) as { poses: JsonPose[] };
    expect((await against(poses[0], 'preds.npy', 'maxvals.npy')).px).toBeLessThan(1e-3);
  });
});

describe('pnpm hrnet pose --detector: several people against an expected result', () => {
  const out = mkdtempSync(join(tmpdir(), 'hrnet-pose-multi-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  const DET_IMAGE = fixturePath('det_pipeline', 'image.png');
  const DETECTOR = ['--detector', fixturePath('det', 'det_tiny.pth'), '--detector', fixturePath('det', 'faster_rcnn_tiny_heads.pth'), '--detector-config', fixturePath('det', 'faster_rcnn_tiny_full_config.json')];
  // The random-weight tiny detector finds classes 24, 47 and 64; 24 stands in for 'person'.
  const PERSON = 24;

  /** Largest keypoint (px) and pose-score difference between two poses. */
  const poseGap = (a: JsonPose, b: JsonPose) => ({
    px: Math.max(...a.keypoints.flatMap((k, j) => [Math.abs(k.x - b.keypoints[j].x), Math.abs(k.y - b.keypoints[j].y)])),
    score: Math.abs(a.score - b.score),
  });
  const boxGap = (a: Record<string, number>, b: Record<string, number>) => Math.max(...['xmin', 'ymin', 'xmax', 'ymax'].map((k) => Math.abs(a[k] - b[k])));

  it('the official detections of the person class, through the pose fixture model, as the library and --box runs give them', async () => {
    // Expected people: the official mmdet detections of class 24 (det_pipeline/det_bboxes.npy, x1 y1 x2 y2 score).
    const bboxes = (await readNpyFile(fixturePath('det_pipeline', 'det_bboxes.npy'))).values as Float32Array;
    const labels = Array.from((await readNpyFile(fixturePath('det_pipeline', 'det_labels.npy'))).values as ArrayLike<number | bigint>, Number);
    const people = labels.flatMap((l, i) => (l === PERSON ? [Array.from(bboxes.subarray(i * 5, i * 5 + 5))] : []));
    expect(people.length).toBeGreaterThan(2);
    const boxes = people.map(([xmin, ymin, xmax, ymax, score]) => ({ xmin, ymin, xmax, ymax, score }));

    // Library path: the same boxes through the pose estimator with rescoring and OKS-NMS.
    await useBackend('wasm');
    const model = new PoseModel(parseModelConfig(readFileSync(fixturePath('pose', 'pose_tiny_config.json'), 'utf8')));
    const asJson = (p: Pose): JsonPose => ({ box: { ...p.box } as Record<string, number>, score: p.score, keypoints: p.keypoints.map((k) => ({ name: k.name, x: k.x, y: k.y, score: k.score })) });
    let library: JsonPose[];
    let areas: number[];
    try {
      model.load((await readCheckpointFile(fixturePath('pose', 'pose_tiny.pth'))).stateDict);
      const estimator = await createPoseEstimator(model);
      const image = await readImageFile(DET_IMAGE);
      library = (await estimator.estimatePoses(image, { boxes, nms: true })).map(asJson);
      areas = (await estimator.estimatePoses(image, { boxes, nms: false })).map((p) => p.area);
    } finally {
      model.dispose();
    }
    expect(library.length).toBeGreaterThan(0);

    // The CLI with the detector: same people (our detector's boxes match the official ones closely).
    const json = join(out, 'detector.json');
    const detected = await hrnetPose(DET_IMAGE, ...TINY, ...DETECTOR, '--person-class', String(PERSON), '--json', json);
    expect(detected.code).toBe(0);
    const cli = (JSON.parse(readFileSync(json, 'utf8')) as { poses: JsonPose[] }).poses;
    expect(cli.length).toBe(library.length);
    expect(Number(/(\d+) people after OKS-NMS/.exec(detected.stderr)?.[1])).toBe(cli.length);
    // Sorted by the rescored score (box score × mean visible keypoint score).
    expect([...cli.map((p) => p.score)].sort((a, b) => b - a)).toEqual(cli.map((p) => p.score));
    cli.forEach((p, i) => {
      expect(boxGap(p.box, library[i].box)).toBeLessThan(0.01);
      const gap = poseGap(p, library[i]);
      expect(gap.px).toBeLessThan(0.05);
      expect(gap.score).toBeLessThan(1e-3);
    });

    // Explicit --box runs (one pose per box, no NMS): each detector pose is the pose of its box, and
    // OKS-NMS over the --box poses keeps exactly the detector run's people.
    const explicit = await hrnetPose(DET_IMAGE, ...TINY, ...boxes.map((b) => `--box=${b.xmin},${b.ymin},${b.xmax - b.xmin},${b.ymax - b.ymin},${b.score}`));
    expect(explicit.code).toBe(0);
    const perBox = (JSON.parse(explicit.stdout) as { poses: JsonPose[] }).poses;
    expect(perBox).toHaveLength(people.length);
    const kept = oksNms(perBox.map((p, i) => ({ score: p.score, keypoints: p.keypoints, area: areas[i] })), 0.9);
    expect(kept.map((k) => perBox[k].box)).toEqual(library.map((p) => p.box));
    kept.forEach((k, i) => {
      const gap = poseGap(perBox[k], library[i]);
      expect(gap.px).toBeLessThan(1e-3);
      expect(gap.score).toBeLessThan(1e-5);
    });
  });
});

