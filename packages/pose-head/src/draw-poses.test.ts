import { describe, expect, it } from 'vitest';
import { drawPoses } from './draw-poses.js';

const at = (img: { data: Uint8Array; width: number }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('drawPoses', () => {
  it('draws visible limbs and keypoints over a copy, leaving the input and hidden joints alone', () => {
    const image = { width: 40, height: 20, data: new Uint8Array(40 * 20 * 3) };
    const keypoints = [
      { name: 'left_shoulder', x: 5, y: 10, score: 0.9 },
      { name: 'left_elbow', x: 35, y: 10, score: 0.9 },
      { name: 'right_wrist', x: 20, y: 3, score: 0.1 }, // below minScore: not drawn
    ];
    const out = drawPoses(image, [{ keypoints }], { skeleton: [[0, 1], [1, 2]] }, { lineWidth: 2, radius: 2 });
    expect(image.data.every((v) => v === 0)).toBe(true);
    expect(at(out, 5, 10)).toEqual([0, 200, 255]); // left = blue
    expect(at(out, 20, 10)).toEqual([0, 200, 255]); // on the limb
    expect(at(out, 20, 3)).toEqual([0, 0, 0]); // hidden joint and its limb
    expect(at(out, 20, 15)).toEqual([0, 0, 0]);
  });

  it('outlines the box and clips drawing at the image border', () => {
    const image = { width: 10, height: 10, data: new Uint8Array(300) };
    const out = drawPoses(image, [{ box: { xmin: -5, ymin: 2, xmax: 5, ymax: 7 }, keypoints: [{ name: 'nose', x: 0, y: 9, score: 1 }] }], { skeleton: [] });
    expect(at(out, 3, 2)).toEqual([255, 255, 0]);
    expect(at(out, 5, 4)).toEqual([255, 255, 0]); // right edge x = 5
    expect(at(out, 0, 9)).toEqual([0, 255, 0]); // nose, green, partly outside
    expect(at(out, 8, 8)).toEqual([0, 0, 0]);
  });
});
