import { ConfigError, getPreset } from '@hrnetjs/core';
import { type HigherHRNetConfig, releasedTestConfig } from './higher-config.js';

/** The released HigherHRNet models (experiments/{coco,crowd_pose}/higher_hrnet/*.yaml). */
export const HIGHER_HRNET_PRESET_IDS = [
  'higher-coco-w32-512',
  'higher-coco-w32-640',
  'higher-coco-w48-640',
  'higher-crowdpose-w32-512',
  'higher-crowdpose-w32-640',
  'higher-crowdpose-w48-640',
] as const;

export type HigherHRNetPresetId = (typeof HIGHER_HRNET_PRESET_IDS)[number];

/** True for one of {@link HIGHER_HRNET_PRESET_IDS}. */
export function isHigherHRNetPresetId(id: string): id is HigherHRNetPresetId {
  return (HIGHER_HRNET_PRESET_IDS as readonly string[]).includes(id);
}

/**
 * The config of a released HigherHRNet model: the pose backbone of that width, one deconv of the
 * same width (kernel 4, 4 BasicBlocks, CAT_OUTPUT), tags per joint on the 1/4 output, and the yaml's
 * test settings (flip, PROJECT2IMAGE, NMS 5/2, DETECTION_THRESHOLD 0.1, INPUT_SIZE 512 or 640).
 */
export function getHigherHRNetPreset(id: string): HigherHRNetConfig {
  const m = /^higher-(coco|crowdpose)-w(32|48)-(512|640)$/.exec(id);
  if (!m || !isHigherHRNetPresetId(id)) {
    throw new ConfigError(`unknown HigherHRNet preset '${id}'; expected one of ${HIGHER_HRNET_PRESET_IDS.join(', ')}`);
  }
  const [, dataset, width, size] = m;
  const base = getPreset(`pose-coco-w${width}-256x192`);
  const numJoints = dataset === 'coco' ? 17 : 14;
  return {
    ...base,
    name: id,
    head: { type: 'pose', numJoints, finalConvKernel: 1 },
    input: { mean: base.input.mean, std: base.input.std },
    higher: {
      numJoints,
      tagPerJoint: true,
      finalConvKernel: 1,
      withAeLoss: [true, false],
      withHeatmapsLoss: [true, true],
      deconv: { numDeconvs: 1, numChannels: [Number(width)], kernelSize: [4], numBasicBlocks: 4, catOutput: [true] },
    },
    test: { ...releasedTestConfig(Number(size)), dataset: dataset === 'coco' ? 'coco_kpt' : 'crowd_pose_kpt' },
  };
}
