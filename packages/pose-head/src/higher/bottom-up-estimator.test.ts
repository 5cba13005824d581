import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { oracleCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { HIGHER_FLIP_INDEX, bottomUpCocoResults, createBottomUpEstimator } from './bottom-up-estimator.js';
import { parseHigherHRNetConfig } from './higher-config.js';
import { HigherHRNetModel } from './pose-higher-hrnet.js';

const crowd = () => new HigherHRNetModel(parseHigherHRNetConfig(oracleCase('higher_crowd_3out').configText));

describe('createBottomUpEstimator', () => {
  it('takes the config test settings, the dataset flip index and names; options override', () => {
    const model = crowd();
    const e = createBottomUpEstimator(model);
    expect(e.flipIndex).toEqual(HIGHER_FLIP_INDEX.CROWDPOSE);
    expect(e.keypointNames.at(-1)).toBe('neck');
    expect(e.test).toMatchObject({ scaleFactor: [1, 0.5], flipTest: true, ignoreTooMuch: true });
    expect(createBottomUpEstimator(model, { scaleFactor: [1], maxNumPeople: 3 }).parserParams).toMatchObject({ maxNumPeople: 3, tagPerJoint: false, numJoints: 14 });
    model.dispose();
  });

  it('says what is wrong with bad options', async () => {
    await useBackend('wasm');
    const model = crowd();
    expect(() => createBottomUpEstimator(model, { flipIndex: [0, 1] })).toThrow(/permutation of 0..13/);
    expect(() => createBottomUpEstimator(model, { keypointNames: ['a'] })).toThrow(/1 names; the model has 14 joints/);
    expect(() => createBottomUpEstimator(model, { scaleFactor: [2, 0.5] })).toThrow(/no 1/);
    const noFlip = createBottomUpEstimator(model, { dataset: 'mine' });
    const image = { width: 40, height: 30, data: new Uint8Array(40 * 30 * 3) };
    const before = tf.memory().numTensors;
    await expect(noFlip.inferMaps(image)).rejects.toThrow(/needs a flip index/);
    await expect(createBottomUpEstimator(model).inferMaps(image, { scaleFactor: [1, 0.75] })).rejects.toThrow(/scale 1 gives a 170×85 input; HigherHRNet needs multiples of 32/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('COCO results: [x, y, score] per joint, the pose score, bbox from the keypoints', () => {
    const pose = {
      score: 0.5,
      keypoints: [
        { name: 'a', x: 3, y: 4, score: 0.9, tag: [1] },
        { name: 'b', x: 7, y: 1, score: 0.1, tag: [2] },
      ],
      box: { xmin: 3, ymin: 1, xmax: 7, ymax: 4 },
    };
    expect(bottomUpCocoResults([pose], 9)).toEqual([{ image_id: 9, category_id: 1, keypoints: [3, 4, 0.9, 7, 1, 0.1], score: 0.5, bbox: [3, 1, 4, 3] }]);
  });
});
