import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readCheckpoint, type StateDict, type TensorData } from '@hrnetjs/core';
import { oracleCase, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { inferHigherHRNetConfig, isHigherHRNetStateDict, isHigherHRNetYaml, parseHigherHRNetConfig } from './higher-config.js';
import { HIGHER_HRNET_PRESET_IDS, getHigherHRNetPreset } from './higher-presets.js';

const dir = join(repoRoot(), 'tools', 'oracle', 'higher');
const yamlText = (name: string) => readFileSync(join(dir, `${name}.yaml`), 'utf8');

/** A state dict with the manifest's keys and shapes (no values: inference reads shapes only). */
function shapesOnly(name: string): StateDict {
  const manifest = JSON.parse(readFileSync(join(dir, `manifest_${name}.json`), 'utf8')) as { state_dict: Array<[string, number[]]> };
  return new Map(manifest.state_dict.map(([k, shape]) => [k, { dtype: 'float32', shape, values: new Float32Array(0) } as unknown as TensorData]));
}

describe('parseHigherHRNetConfig', () => {
  it('reads the official w32_512 yaml: head, tuples such as (True, False), test settings', () => {
    const text = yamlText('w32_512');
    expect(isHigherHRNetYaml(JSON.parse(JSON.stringify({ MODEL: { NAME: 'pose_higher_hrnet' } })))).toBe(true);
    const c = parseHigherHRNetConfig(text);
    expect(c.higher).toEqual({
      numJoints: 17,
      tagPerJoint: true,
      finalConvKernel: 1,
      withAeLoss: [true, false],
      withHeatmapsLoss: [true, true],
      deconv: { numDeconvs: 1, numChannels: [32], kernelSize: [4], numBasicBlocks: 4, catOutput: [true] },
    });
    expect(c.test).toMatchObject({ inputSize: 512, scaleFactor: [1], flipTest: true, project2image: true, withAe: [true, false], nmsKernel: 5, nmsPadding: 2, detectionThreshold: 0.1, maxNumPeople: 30 });
    expect(c.backbone.multiScaleOutput).toBe(false);
    expect(c.backbone.stages.map((s) => s.numChannels.at(-1))).toEqual([64, 128, 256]);
    expect(parseHigherHRNetConfig(yamlText('w48_640')).test.inputSize).toBe(640);
  });

  it('says what is wrong in a bad config', () => {
    const text = yamlText('w32_512');
    expect(() => parseHigherHRNetConfig(text.replace('KERNEL_SIZE:\n      - 4', 'KERNEL_SIZE:\n      - 5'))).toThrow(/KERNEL_SIZE\[0\] is 5; expected 2, 3 or 4/);
    expect(() => parseHigherHRNetConfig(text.replace('WITH_AE_LOSS: [True, False]', 'WITH_AE_LOSS: [True]'))).toThrow(/LOSS.WITH_AE_LOSS has 1 entries; expected 2/);
    expect(() => parseHigherHRNetConfig(text.replace('SCALE_FACTOR: [1]', 'SCALE_FACTOR: [2, 0.5]'))).toThrow(/has several scales but no 1/);
    expect(() => parseHigherHRNetConfig(text.replace('NMS_PADDING: 2', 'NMS_PADDING: 1'))).toThrow(ConfigError);
    expect(() => parseHigherHRNetConfig('a: 1')).toThrow(/MODEL mapping/);
  });
});

describe('inferHigherHRNetConfig', () => {
  it.each(['w32_512', 'w48_640', 'crowd_pose_w32_512'])('%s: the released architecture from the key shapes', (name) => {
    const sd = shapesOnly(name);
    expect(isHigherHRNetStateDict(sd)).toBe(true);
    const inferred = inferHigherHRNetConfig(sd);
    const official = parseHigherHRNetConfig(yamlText(name));
    expect(inferred.higher).toEqual(official.higher);
    expect(inferred.backbone).toEqual(official.backbone);
    if (name.startsWith('crowd')) expect(inferred.test.dataset).toBe('crowd_pose_kpt');
    else expect(inferred.test).toEqual(official.test);
  });

  it.each(['higher_coco_ms_flip', 'higher_crowd_3out', 'higher_coco_plain'])('%s: tags per joint or shared, 1–3 outputs, CAT_OUTPUT read back', (name) => {
    const c = oracleCase(name);
    const inferred = inferHigherHRNetConfig(readCheckpoint(c.checkpoint).stateDict);
    expect(inferred.higher).toEqual(parseHigherHRNetConfig(c.configText).higher);
  });
});

describe('getHigherHRNetPreset', () => {
  it.each([
    ['higher-coco-w32-512', 'w32_512'],
    ['higher-coco-w48-640', 'w48_640'],
    ['higher-crowdpose-w32-512', 'crowd_pose_w32_512'],
  ])('%s equals the official yaml %s (architecture and test settings)', (id, yaml) => {
    const preset = getHigherHRNetPreset(id);
    const official = parseHigherHRNetConfig(yamlText(yaml));
    expect(preset.higher).toEqual(official.higher);
    expect(preset.backbone).toEqual(official.backbone);
    expect(preset.test).toEqual(official.test);
  });

  it('lists six presets and names the valid ones for a typo', () => {
    expect(HIGHER_HRNET_PRESET_IDS.length).toBe(6);
    expect(getHigherHRNetPreset('higher-crowdpose-w48-640').test.inputSize).toBe(640);
    expect(() => getHigherHRNetPreset('higher-coco-w40-512')).toThrow(/unknown HigherHRNet preset 'higher-coco-w40-512'; expected one of higher-coco-w32-512/);
  });
});
