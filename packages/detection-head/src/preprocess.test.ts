import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { decodeImage, getPreset, parseModelConfig } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
import { fixturePath, oracleCase } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { detectionPipelineFromConfig, MMDET_TEST_PIPELINE, normalizeLut, preprocessForDetection, rescaleSize } from './preprocess.js';

describe('mmdet 2.x test pipeline (fixtures/det_pipeline)', () => {
  it('rescaleSize follows mmcv.rescale_size (keep ratio inside 1333×800, round half up)', () => {
    expect(rescaleSize(500, 375, [1333, 800])).toEqual([1067, 800]);
    expect(rescaleSize(640, 480, [1333, 800])).toEqual([1067, 800]);
    // A very wide image is limited by the long edge: 1333/4000 → 1333 × 333.25 → 333.
    expect(rescaleSize(4000, 1000, [1333, 800])).toEqual([1333, 333]);
    expect(rescaleSize(1000, 4000, [800, 1333])).toEqual([333, 1333]);
  });

  it('normalizeLut reproduces mmcv.imnormalize bit for bit (normalize_lut.npy, 768 values)', async () => {
    const expected = (await readNpyFile(fixturePath('det_pipeline', 'normalize_lut.npy'))).values as Float32Array;
    const lut = normalizeLut(MMDET_TEST_PIPELINE.mean, MMDET_TEST_PIPELINE.std);
    let mismatches = 0;
    for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) if (lut[c][v] !== expected[c * 256 + v]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('builds the exact network input (sha256 of the NCHW bytes) and img_metas from image.png', async () => {
    const image = await decodeImage(readFileSync(fixturePath('det_pipeline', 'image.png')));
    const { data, shape, meta } = preprocessForDetection(image);
    expect(shape).toEqual([1, 800, 1088, 3]);
    const ref = JSON.parse(readFileSync(fixturePath('det_pipeline', 'img_metas.json'), 'utf8')).img_metas[0];
    expect(meta.imgShape).toEqual(ref.img_shape.slice(0, 2));
    expect(meta.padShape).toEqual(ref.pad_shape.slice(0, 2));
    expect(meta.oriShape).toEqual(ref.ori_shape.slice(0, 2));
    expect(meta.scaleFactor).toEqual(ref.scale_factor);
    const [, h, w] = shape;
    const nchw = new Float32Array(3 * h * w);
    for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) nchw[c * h * w + i] = data[i * 3 + c];
    const digest = createHash('sha256').update(new Uint8Array(nchw.buffer)).digest('hex');
    expect(digest).toBe('d150567df7d0aa4101e7c42d97f50980f1b98c00bdb717ec7550e1f32faf6368');
  });

  it('without keep-ratio resizes to (width, height) exactly and pads; rejects inconsistent images', () => {
    const image = { width: 4, height: 2, data: new Uint8Array(24).fill(124) };
    const out = preprocessForDetection(image, { ...MMDET_TEST_PIPELINE, keepRatio: false, imgScale: [6, 3], sizeDivisor: 4 });
    expect(out.shape).toEqual([1, 4, 8, 3]);
    expect(out.meta.scaleFactor).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(out.data[0]).toBeCloseTo((124 - 123.675) / 58.395, 6);
    expect(out.data[(3 * 8 + 7) * 3]).toBe(0); // padding row
    expect(() => preprocessForDetection({ width: 4, height: 2, data: new Uint8Array(5) })).toThrow(/4×2×3 RGB bytes, got 5/);
  });
});

describe('detectionPipelineFromConfig', () => {
  it("reads the preset / mmdet config's test pipeline and img_norm_cfg, mmdet's coco_detection.py otherwise", () => {
    expect(detectionPipelineFromConfig(getPreset('faster-rcnn-w32'))).toEqual(MMDET_TEST_PIPELINE);
    const backbone = JSON.parse(oracleCase('mmdet_ms4').configText);
    const custom = parseModelConfig({
      model: { type: 'FasterRCNN', backbone },
      img_norm_cfg: { mean: [100, 110, 120], std: [50, 60, 70], to_rgb: true },
      test_pipeline: [{ type: 'MultiScaleFlipAug', img_scale: [800, 500], transforms: [{ type: 'Resize', keep_ratio: false }, { type: 'Pad', size_divisor: 64 }] }],
    });
    expect(detectionPipelineFromConfig(custom)).toEqual({ imgScale: [800, 500], keepRatio: false, mean: [100, 110, 120], std: [50, 60, 70], sizeDivisor: 64 });
    expect(detectionPipelineFromConfig({ input: {} })).toEqual(MMDET_TEST_PIPELINE);
  });
});
