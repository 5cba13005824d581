import { getPreset, loadModel, matchPreset, type StateDict } from '@hrnetjs/core';
import { describe, expect, it } from 'vitest';
import { PoseModel } from './pose-model.js';
import { POSE_BUILDER } from './register.js';

/** A state dict with a preset's keys and shapes; matching reads shapes and lengths only, so no values are allocated. */
function shapesOf(presetId: string, rename: (key: string) => string = (k) => k): StateDict {
  const spec = new PoseModel(getPreset(presetId)).stateDictSpec();
  const sd: StateDict = new Map();
  for (const { key, shape } of spec) {
    const n = shape.reduce((a, b) => a * b, 1);
    sd.set(rename(key), { dtype: 'float32', shape, values: { length: n } as unknown as Float32Array });
  }
  return sd;
}

describe('pose presets in matchPreset (registered by this package)', () => {
  it('finds the official preset from the weights; the checkpoint file name picks among presets that share weights', () => {
    expect(POSE_BUILDER.head).toBe('pose');
    const w32 = shapesOf('pose-coco-w32-256x192');
    const match = matchPreset(w32);
    expect(match?.id).toBe('pose-coco-w32-256x192');
    expect(match?.alsoFits).toEqual(['pose-coco-w32-384x288']);
    expect(match?.config.input.imageSize).toEqual([192, 256]);
    expect(matchPreset(w32, 'pose', '/models/pose_hrnet_w32_384x288.pth')?.id).toBe('pose-coco-w32-384x288');
    expect(matchPreset(shapesOf('pose-mpii-w48-256x256'))?.id).toBe('pose-mpii-w48-256x256');
    expect(matchPreset(shapesOf('pose-coco-w48-256x192'), 'pose', 'pose_hrnet_w48_384x288.pth')?.id).toBe('pose-coco-w48-384x288');
    // One renamed key: no preset loads it strictly.
    expect(matchPreset(shapesOf('pose-coco-w32-256x192', (k) => (k === 'final_layer.bias' ? 'final_layer.b' : k)))).toBeNull();
  });

  it('loadModel builds the fitted preset and says so', async () => {
    const { model, how } = await loadModel(shapesOf('pose-coco-w32-256x192'));
    expect(model).toBeInstanceOf(PoseModel);
    expect(model.config.name).toBe('pose-coco-w32-256x192');
    expect(how).toMatch(/^preset pose-coco-w32-256x192, fitted from the weights \(also fits pose-coco-w32-384x288; pass a config to choose\)$/);
    model.dispose();
  });
});
