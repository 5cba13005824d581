import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
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

describe('pnpm hrnet pose: model from the weights, persons from a detector', () => {
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

  it('--detector: Faster R-CNN boxes of the person class feed the pose pipeline, rescored and OKS-NMSed', async () => {
    const json = join(out, 'detector.json');
    const result = await hrnetPose(
      fixturePath('det_pipeline', 'image.png'), ...TINY, '--json', json,
      '--detector', fixturePath('det', 'det_tiny.pth'), '--detector', fixturePath('det', 'faster_rcnn_tiny_heads.pth'),
      '--detector-config', fixturePath('det', 'faster_rcnn_tiny_full_config.json'),
      // The random-weight tiny detector finds classes 24, 47 and 64; 24 stands in for 'person'.
      '--person-class', '24',
    );
    expect(result.code).toBe(0);
    const { poses } = JSON.parse(readFileSync(json, 'utf8')) as { poses: JsonPose[] };
    const kept = Number(/(\d+) people after OKS-NMS/.exec(result.stderr)?.[1]);
    expect(poses.length).toBe(kept);
    expect(poses.length).toBeGreaterThan(0);
    // Sorted by the rescored score, and every score is box score × mean visible keypoint score > 0.
    const scores = poses.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(poses.every((p) => p.keypoints.length === 17)).toBe(true);
    // Person boxes carry the detector score, in the same Box shape as detect --json.
    expect(poses.every((p) => Object.keys(p.box).join() === 'xmin,ymin,xmax,ymax,score')).toBe(true);
  });
});
