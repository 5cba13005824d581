import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readNpyFile } from '@hrnetjs/core/node';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { getFinalPreds } from './final-preds.js';
import { heatmapNms, jointOrder, pairwiseSumF32, type ParserParams, parseHeatmaps, roundHalfEven } from './group.js';

const dir = join(repoRoot(), 'tools', 'oracle', 'higher', 'group_synth');

interface SynthDoc {
  config: { DATASET: Record<string, number>; MODEL: { TAG_PER_JOINT: boolean }; TEST: Record<string, number | boolean> };
  center: [number, number];
  scale: [number, number];
  heatmap_size: [number, number];
  grouped: number[][][];
  final_results: number[][][];
  scores: number[];
}

/** The variant's maps and the official parser's answer (tools/oracle/gen_higher.py, case_group_synth). */
async function variant(key: string) {
  const doc = JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as SynthDoc;
  const det = await readNpyFile(join(dir, `${key}_det.npy`));
  const tag = await readNpyFile(join(dir, `${key}_tag.npy`));
  const [, , h, w, L] = tag.shape;
  const t = doc.config.TEST;
  const params: ParserParams = {
    numJoints: doc.config.DATASET.NUM_JOINTS,
    maxNumPeople: doc.config.DATASET.MAX_NUM_PEOPLE,
    detectionThreshold: t.DETECTION_THRESHOLD as number,
    tagThreshold: t.TAG_THRESHOLD as number,
    useDetectionVal: t.USE_DETECTION_VAL as boolean,
    ignoreTooMuch: t.IGNORE_TOO_MUCH as boolean,
    tagPerJoint: doc.config.MODEL.TAG_PER_JOINT,
    nmsKernel: t.NMS_KERNEL as number,
    nmsPadding: t.NMS_PADDING as number,
  };
  const maps = { det: det.values as Float32Array, tag: tag.values as Float32Array, height: h, width: w, tagDim: L };
  return { doc, params, maps, options: { adjust: t.ADJUST as boolean, refine: t.REFINE as boolean } };
}

describe('parseHeatmaps equals the official HeatmapParser on exact inputs', () => {
  it.each(['coco_ae2', 'crowd_shared_tag', 'coco_no_refine'])('%s: same people, joints, scores and final coordinates', async (key) => {
    const { doc, params, maps, options } = await variant(key);
    const { people, scores } = parseHeatmaps(maps, params, options);
    expect(people.length).toBe(doc.grouped.length);
    expect(people.length).toBeGreaterThan(1);
    people.forEach((p, i) => p.forEach((joint, j) => expect(Array.from(joint)).toEqual(doc.grouped[i][j])));
    expect(scores).toEqual(doc.scores);
    const final = getFinalPreds(people, doc.center, doc.scale, doc.heatmap_size);
    final.forEach((p, i) =>
      p.forEach((joint, j) => {
        const want = doc.final_results[i][j];
        expect(Math.abs(joint[0] - want[0])).toBeLessThan(1e-4);
        expect(Math.abs(joint[1] - want[1])).toBeLessThan(1e-4);
        expect(Array.from(joint.slice(2))).toEqual(want.slice(2));
      }),
    );
  });

  it('refuses maps whose sizes do not match the parameters', async () => {
    const { params, maps, options } = await variant('crowd_shared_tag');
    expect(() => parseHeatmaps({ ...maps, height: maps.height - 1 }, params, options)).toThrow(/expected 14×/);
  });
});

describe('parser pieces', () => {
  it('joint order: the official COCO order, its 14-joint prefix, extra joints appended', () => {
    expect(jointOrder(17)).toEqual([0, 1, 2, 3, 4, 5, 6, 11, 12, 7, 8, 9, 10, 13, 14, 15, 16]);
    expect(jointOrder(14)).toEqual([0, 1, 2, 3, 4, 5, 6, 11, 12, 7, 8, 9, 10, 13]);
    expect(jointOrder(19).slice(-2)).toEqual([17, 18]);
  });

  it('numpy rounding (half to even) and max-pool NMS', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4999, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, 2, 3]);
    const det = Float32Array.from([1, 3, 2, 0, 5, 1, 4, 0, 2]);
    expect(Array.from(heatmapNms(det, 1, 3, 3, 3, 1))).toEqual([0, 0, 0, 0, 5, 0, 0, 0, 0]);
    expect(Array.from(heatmapNms(det, 1, 3, 3, 1, 0))).toEqual(Array.from(det));
  });
});

describe('pairwiseSumF32', () => {
  it('is numpy float32 summation: 8 running sums from 8 values on, blocks of 128 split', () => {
    // 2^24 + 1 is not a float32: a sequential float32 sum stays at 2^24; numpy's
    // np.array([2**24] + [1]*15, np.float32).sum() prints 16777230.0.
    const values = [16777216, ...new Array<number>(15).fill(1)];
    expect(pairwiseSumF32(values)).toBe(16777230);
    expect(pairwiseSumF32([1, 2, 3])).toBe(6);
    const many = Array.from({ length: 300 }, (_, i) => (i % 7) - 3);
    expect(pairwiseSumF32(many)).toBe(many.reduce((a, b) => a + b, 0));
  });
});
