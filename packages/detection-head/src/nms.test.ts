import { describe, expect, it } from 'vitest';
import { batchedNms, nms } from './nms.js';

const boxes = (...b: number[][]) => Float32Array.from(b.flat());

describe('nms (torchvision semantics)', () => {
  it('suppresses IoU > threshold only, highest score first', () => {
    // A = [0,0,10,10]; B overlaps A with IoU 50/150 = 1/3; C is disjoint.
    const b = boxes([0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]);
    const s = Float32Array.from([0.9, 0.8, 0.7]);
    expect(Array.from(nms(b, s, 0.3))).toEqual([0, 2]);
    expect(Array.from(nms(b, s, 1 / 3 + 1e-6))).toEqual([0, 1, 2]);
    expect(Array.from(nms(b, Float32Array.from([0.1, 0.8, 0.7]), 0.3))).toEqual([1, 2]);
  });

  it('a suppressed box does not suppress others (greedy chain) and equal scores keep index order', () => {
    // 0 suppresses 1 (IoU 0.6); 1 would suppress 2 (IoU 0.6) but is gone; 0 and 2 overlap by 1/3 only.
    const b = boxes([0, 0, 10, 10], [2.5, 0, 12.5, 10], [5, 0, 15, 10]);
    expect(Array.from(nms(b, Float32Array.from([0.9, 0.8, 0.7]), 0.5))).toEqual([0, 2]);
    const same = boxes([0, 0, 10, 10], [0, 0, 10, 10]);
    expect(Array.from(nms(same, Float32Array.from([0.5, 0.5]), 0.5))).toEqual([0]);
  });
});

describe('batchedNms (mmcv 1.x)', () => {
  it('never suppresses across groups; offset and per-group paths agree', () => {
    const b = boxes([0, 0, 10, 10], [0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 60, 60]);
    const s = Float32Array.from([0.9, 0.8, 0.7, 0.6]);
    const ids = Int32Array.from([0, 1, 0, 1]);
    expect(Array.from(batchedNms(b, s, ids, { iouThreshold: 0.5 }))).toEqual([0, 1, 3]);
    expect(Array.from(batchedNms(b, s, ids, { iouThreshold: 0.5, splitThreshold: 2 }))).toEqual([0, 1, 3]);
    expect(Array.from(batchedNms(b, s, ids, { iouThreshold: 0.5, classAgnostic: true }))).toEqual([0, 3]);
    expect(batchedNms(new Float32Array(0), new Float32Array(0), new Int32Array(0), { iouThreshold: 0.5 }).length).toBe(0);
  });
});
