import { describe, expect, it } from 'vitest';
import { CLASS_ID } from './categories.js';
import { hashScene } from './hash.js';
import { cocoKeypoints, countLabelled } from './keypoint-visibility.js';
import { generateScene, type SyntheticScene } from './scene.js';

const SIZE = { width: 192, height: 160 };
const scenes: SyntheticScene[] = Array.from({ length: 60 }, (_, i) => generateScene(500 + i, SIZE));
const annotationsOf = (category?: number) => scenes.flatMap((s) => s.annotations.filter((a) => category === undefined || a.category_id === category).map((a) => ({ s, a })));

/** Squared distance from pixel (x, y) to the nearest pixel of instance `id`. */
function distanceToMask(s: SyntheticScene, id: number, x: number, y: number): number {
  let best = Infinity;
  const { width, height } = s.image;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) if (s.instanceMask[py * width + px] === id) best = Math.min(best, (px - x) ** 2 + (py - y) ** 2);
  }
  return Math.sqrt(best);
}

describe('generateScene', () => {
  it('is bit-for-bit deterministic per seed, and seeds differ', () => {
    const again = generateScene(500, SIZE);
    expect(hashScene(again)).toBe(hashScene(scenes[0]));
    expect(again.annotations).toEqual(scenes[0].annotations);
    const hashes = new Set(scenes.map(hashScene));
    expect(hashes.size).toBe(scenes.length);
  });

  it('keeps the pinned fingerprint (a change here changes the demo training data: update deliberately)', () => {
    const s = generateScene(1, { width: 128, height: 128 });
    expect(hashScene(s).toString(16)).toBe(PINNED_HASH);
  });

  it('gives each annotation the exact extent and pixel count of its visible mask', () => {
    for (const s of scenes) {
      const { width, height } = s.image;
      expect(s.annotations.map((a) => a.id)).toEqual(s.annotations.map((_, i) => i + 1));
      for (const a of s.annotations) {
        let [minX, minY, maxX, maxY, area] = [width, height, -1, -1, 0];
        for (let i = 0; i < s.instanceMask.length; i++) {
          if (s.instanceMask[i] !== a.id) continue;
          const [x, y] = [i % width, Math.floor(i / width)];
          [minX, minY, maxX, maxY] = [Math.min(minX, x), Math.min(minY, y), Math.max(maxX, x), Math.max(maxY, y)];
          area++;
        }
        expect(a.area).toBe(area);
        expect(a.area).toBeGreaterThanOrEqual(30);
        expect(a.bbox).toEqual([minX, minY, maxX - minX + 1, maxY - minY + 1]);
        expect(a.iscrowd).toBe(0);
      }
    }
  });

  it('labels every pixel of an instance with its category in the semantic mask', () => {
    for (const s of scenes) {
      const category = [0, ...s.annotations.map((a) => a.category_id)];
      let mismatches = 0;
      for (let i = 0; i < s.instanceMask.length; i++) if (s.semanticMask[i] !== category[s.instanceMask[i]]) mismatches++;
      expect(mismatches).toBe(0);
    }
  });

  it('puts 0–4 people and 0–3 other objects in a scene, people from ~40 px to most of the image', () => {
    const perScene = scenes.map((s) => s.annotations.filter((a) => a.category_id === CLASS_ID.person).length);
    expect(Math.max(...perScene)).toBeLessThanOrEqual(4);
    expect(new Set(perScene).size).toBeGreaterThanOrEqual(4);
    for (const s of scenes) expect(s.annotations.filter((a) => a.category_id !== CLASS_ID.person).length).toBeLessThanOrEqual(3);
    const categories = new Set(annotationsOf().map(({ a }) => a.category_id));
    expect([...categories].sort()).toEqual([1, 2, 3, 4]);
    const heights = annotationsOf(CLASS_ID.person).map(({ a }) => a.bbox[3]);
    expect(Math.min(...heights)).toBeLessThan(50);
    expect(Math.max(...heights)).toBeGreaterThan(0.7 * SIZE.height);
  });

  it('gives people 17 keypoints whose visible ones lie on their own mask (within 2 px)', () => {
    let visible = 0;
    for (const { s, a } of annotationsOf(CLASS_ID.person)) {
      const kp = a.keypoints!;
      expect(kp).toHaveLength(51);
      expect(a.num_keypoints).toBe([...Array(17).keys()].filter((k) => kp[k * 3 + 2] > 0).length);
      for (let k = 0; k < 17; k++) {
        const [x, y, v] = kp.slice(k * 3, k * 3 + 3);
        expect([0, 1, 2]).toContain(v);
        if (v === 0) {
          expect([x, y]).toEqual([0, 0]);
          continue;
        }
        const [px, py] = [Math.round(x), Math.round(y)];
        const owner = s.instanceMask[py * s.image.width + px];
        // v = 1 exactly when an object painted later covers the keypoint.
        expect(owner > a.id).toBe(v === 1);
        if (v === 2) {
          visible++;
          if (owner !== a.id) expect(distanceToMask(s, a.id, px, py)).toBeLessThanOrEqual(2);
          // Inside the box (pixel extent ± half a pixel).
          expect(x).toBeGreaterThanOrEqual(a.bbox[0] - 2.5);
          expect(x).toBeLessThanOrEqual(a.bbox[0] + a.bbox[2] + 1.5);
        }
      }
    }
    expect(visible).toBeGreaterThan(500);
  });

  it('produces occluded (v = 1) and out-of-image (v = 0) keypoints across the set', () => {
    const vs = annotationsOf(CLASS_ID.person).flatMap(({ a }) => a.keypoints!.filter((_, i) => i % 3 === 2));
    expect(vs.filter((v) => v === 1).length).toBeGreaterThan(10);
    expect(vs.filter((v) => v === 0).length).toBeGreaterThan(10);
  });

  it('rejects bad sizes and limits with a message', () => {
    expect(() => generateScene(1, { width: 10, height: 64 })).toThrow(/width must be an integer in \[16, 8192\], got 10/);
    expect(() => generateScene(1, { width: 64, height: 64.5 })).toThrow(/height/);
    expect(() => generateScene(1, { width: 64, height: 64, maxPeople: -1 })).toThrow(/maxPeople must be a non-negative integer/);
    expect(() => generateScene(-3, { width: 64, height: 64 })).toThrow(/seed/);
  });

  it('honours maxPeople / maxObjects = 0 (background only)', () => {
    const s = generateScene(9, { width: 64, height: 64, maxPeople: 0, maxObjects: 0 });
    expect(s.annotations).toEqual([]);
    expect(s.instanceMask.every((v) => v === 0)).toBe(true);
  });
});

describe('cocoKeypoints', () => {
  // 4×3 mask: instance 2 on the left column, 3 (painted later) in the middle, 1 (earlier) on the right.
  const mask = Int32Array.from([2, 3, 1, 0, 2, 3, 1, 0, 2, 0, 0, 0]);
  it('marks out-of-image points (0, 0, 0), later-covered points 1, others 2', () => {
    const points = [
      { x: -0.6, y: 1 }, // outside (nearest pixel x = −1)
      { x: 3.4, y: 2.49 }, // inside, background pixel
      { x: 1.2, y: 0.8 }, // covered by 3 > 2
      { x: 2, y: 1 }, // on instance 1, painted earlier: not hidden
      { x: 0.004, y: 2.006 }, // own pixel; two decimals kept
      { x: 1, y: 3.5 }, // below the image
    ];
    const kp = cocoKeypoints(points, mask, 4, 3, 2);
    expect(kp).toEqual([0, 0, 0, 3.4, 2.49, 2, 1.2, 0.8, 1, 2, 1, 2, 0, 2.01, 2, 0, 0, 0]);
    expect(countLabelled(kp)).toBe(4);
  });
});

// hashScene of generateScene(1, 128×128); Node and any engine must agree (the generator avoids Math.sin and friends).
const PINNED_HASH = 'ac1672e6';
