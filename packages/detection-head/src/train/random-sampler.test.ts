import { createRandom } from '@hrnetjs/core/ops';
import { describe, expect, it } from 'vitest';
import { type AssignResult, maxIoUAssign, RCNN_ASSIGNER } from './max-iou-assigner.js';
import { randomChoice, randomSample } from './random-sampler.js';

function assignment(gtInds: number[]): AssignResult {
  return { numGts: 2, gtInds: Int32Array.from(gtInds), maxOverlaps: new Float32Array(gtInds.length), labels: null };
}
const boxesFor = (n: number) => Float32Array.from({ length: n * 4 }, (_, i) => Math.floor(i / 4) * 10 + (i % 4 >= 2 ? 5 : 0));
const gt = Float32Array.from([0, 0, 5, 5, 10, 10, 15, 15]);

describe('randomSample (mmdet RandomSampler)', () => {
  it('keeps every positive and negative when there are fewer than asked, in ascending order', () => {
    const s = randomSample(assignment([0, 2, -1, 1, 0]), boxesFor(5), gt, { num: 8, posFraction: 0.5, addGtAsProposals: false }, createRandom(1));
    expect(Array.from(s.posInds)).toEqual([1, 3]);
    expect(Array.from(s.negInds)).toEqual([0, 4]);
    expect(Array.from(s.posAssignedGtInds)).toEqual([1, 0]);
    expect(Array.from(s.posGtBboxes)).toEqual([10, 10, 15, 15, 0, 0, 5, 5]);
    expect(Array.from(s.posBboxes)).toEqual([10, 10, 15, 15, 30, 30, 35, 35]);
  });

  it('caps positives at num·posFraction and fills the rest with negatives', () => {
    const gtInds = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const s = randomSample(assignment(gtInds), boxesFor(16), gt, { num: 8, posFraction: 0.25, addGtAsProposals: false }, createRandom(4));
    expect(s.posInds.length).toBe(2);
    expect(s.negInds.length).toBe(6);
    expect(new Set(s.posInds).size).toBe(2);
    for (const i of s.posInds) expect(gtInds[i]).toBe(1);
    for (const i of s.negInds) expect(gtInds[i]).toBe(0);
    expect(Array.from(s.negInds)).toEqual([...s.negInds].sort((a, b) => a - b));
    // Few positives leave more room for negatives; negPosUb bounds them.
    const few = randomSample(assignment([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), boxesFor(10), gt, { num: 8, posFraction: 0.5, addGtAsProposals: false }, createRandom(4));
    expect([few.posInds.length, few.negInds.length]).toEqual([1, 7]);
    const ub = randomSample(assignment([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]), boxesFor(10), gt, { num: 8, posFraction: 0.5, negPosUb: 3, addGtAsProposals: false }, createRandom(4));
    expect(ub.negInds.length).toBe(3);
  });

  it('adds the gt boxes first as positives of themselves (R-CNN), with their labels', () => {
    const proposals = Float32Array.from([0, 0, 5, 4, 50, 50, 60, 60]);
    const a = maxIoUAssign(proposals, gt, RCNN_ASSIGNER, [4, 9]);
    const s = randomSample(a, proposals, gt, { num: 12, posFraction: 0.25, addGtAsProposals: true }, createRandom(2), [4, 9]);
    expect(Array.from(s.posInds)).toEqual([0, 1, 2]);
    expect(Array.from(s.posIsGt)).toEqual([1, 1, 0]);
    expect(Array.from(s.posGtLabels ?? [])).toEqual([4, 9, 4]);
    expect(Array.from(s.negInds)).toEqual([3]);
    expect(() => randomSample(a, proposals, gt, { num: 12, posFraction: 0.25, addGtAsProposals: true }, createRandom(2))).toThrow(/needs the gt labels/);
  });

  it('randomChoice draws distinct members, uniformly over many draws', () => {
    const random = createRandom(9);
    const counts = new Array(5).fill(0);
    for (let t = 0; t < 5000; t++) for (const v of randomChoice([0, 1, 2, 3, 4], 2, random)) counts[v]++;
    for (const c of counts) expect(c / 10000).toBeCloseTo(0.2, 1);
    expect(new Set(randomChoice([1, 2, 3], 3, random)).size).toBe(3);
  });
});
