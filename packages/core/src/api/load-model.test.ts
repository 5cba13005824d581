import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oracleCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../checkpoint/read-checkpoint.js';
import { inferModelConfig } from '../config/infer-config.js';
import { ClsModel } from '../model/cls-model.js';
import '../node.js'; // installs the path reader
import { boxFromXywh, boxToXywh, validateBox } from './box.js';
import { loadModel } from './load-model.js';
import { configFromWeights, matchPreset } from './match-preset.js';
import { modelBuilder } from './model-registry.js';

describe('loadModel', () => {
  const c = oracleCase('cls_tiny');

  it('reads a path, finds no preset for a custom net and builds the architecture read from the keys, loaded strictly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hrnet-load-'));
    const path = join(dir, 'cls_tiny.pth');
    writeFileSync(path, c.checkpoint);
    const stateDict = readCheckpoint(c.checkpoint).stateDict;
    expect(matchPreset(stateDict)).toBeNull();
    const { model, how } = await loadModel(path);
    expect(model).toBeInstanceOf(ClsModel);
    expect(how).toMatch(/architecture read from the weights \(cls\)/);
    expect(model.config.backbone).toEqual(inferModelConfig(stateDict).backbone);
    // Every checkpoint value is in the model (strict load): compare one weight.
    const key = 'classifier.weight';
    expect(model.stateDictSpec().find((e) => e.key === key)?.shape).toEqual([...stateDict.get(key)!.shape]);
    model.dispose();
  });

  it('checks the family and says which package registers a missing builder', async () => {
    await expect(loadModel(c.checkpoint, { family: 'pose' })).rejects.toThrow(/pose/);
    expect(() => modelBuilder('seg')).toThrow(/import @hrnetjs\/seg-head/);
    await expect(loadModel(42 as never)).rejects.toThrow(/weights must be a path, bytes .* got number/);
  });

  it('configFromWeights names how it chose', () => {
    const { config, how } = configFromWeights(readCheckpoint(c.checkpoint).stateDict);
    expect(config.family).toBe('cls');
    expect(how).toMatch(/architecture read/);
  });
});

describe('Box', () => {
  it('converts COCO [x, y, w, h] both ways and validates', () => {
    const box = boxFromXywh([10, 20, 30, 40], 0.9);
    expect(box).toEqual({ xmin: 10, ymin: 20, xmax: 40, ymax: 60, score: 0.9 });
    expect(boxToXywh(box)).toEqual([10, 20, 30, 40]);
    expect(() => validateBox({ xmin: 5, ymin: 0, xmax: 5, ymax: 1 })).toThrow(/xmax > xmin/);
    expect(() => validateBox({ x: 1, y: 2, width: 3, height: 4 }, 'boxes[0]')).toThrow(/boxes\[0\] must be \{xmin, ymin, xmax, ymax/);
  });
});
