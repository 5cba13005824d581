import { compareStateDict, countProblems, getPreset, inferModelConfig, type ModelConfig, PRESET_IDS, type StateDict } from '@hrnetjs/core';
import { PoseModel } from '@hrnetjs/pose-head';

/**
 * The pose config of a checkpoint given without `--config`: the first pose preset it fits exactly
 * (presets differing only in input size share weights; the smaller input is taken), else the
 * architecture read from its keys with the dataset's usual input (COCO 192×256, MPII 256×256).
 */
export function poseConfigFromWeights(stateDict: StateDict): { config: ModelConfig; how: string } {
  const fits = PRESET_IDS.filter((id) => id.startsWith('pose-')).filter(
    (id) => countProblems(compareStateDict(new PoseModel(getPreset(id)), stateDict)) === 0,
  );
  if (fits.length) {
    const others = fits.length > 1 ? ` (also fits ${fits.slice(1).join(', ')}; pass --config to choose)` : '';
    return { config: getPreset(fits[0]), how: `preset ${fits[0]}, fitted from the weights${others}` };
  }
  const inferred = inferModelConfig(stateDict, 'pose');
  const joints = inferred.head.type === 'pose' ? inferred.head.numJoints : 17;
  const imageSize: [number, number] = joints === 16 ? [256, 256] : [192, 256];
  const config = { ...inferred, input: { ...inferred.input, imageSize, heatmapSize: [imageSize[0] / 4, imageSize[1] / 4] as [number, number] } };
  return { config, how: `architecture read from the weights (${joints} joints), input ${imageSize.join('×')}; pass --config for another input size` };
}
