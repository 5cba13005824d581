import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readImageFile, readNpyFile, writeNpyFile, writePngFile } from '@hrnetjs/core/node';
import { CITYSCAPES_PALETTE } from '@hrnetjs/seg-head';
import { difference, fixturePath, oracleCase, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const hrnet = (...args: string[]) => runHrnet(...args);

const dir = mkdtempSync(join(tmpdir(), 'hrnet-seg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A grey label PNG (R = G = B = label). */
async function writeLabelPng(path: string, labels: number[], width: number, height: number): Promise<void> {
  const data = new Uint8Array(labels.flatMap((l) => [l, l, l]));
  await writePngFile(path, { data, width, height });
}

describe('pnpm hrnet segment', () => {
  it('reproduces labels_multi.npy from the official-yaml-layout config (near-ties excepted) and writes the PNGs', async () => {
    const config = JSON.parse(readFileSync(fixturePath('seg', 'seg_tiny_config.json'), 'utf8'));
    config.TEST = { BASE_SIZE: 512, IMAGE_SIZE: [288, 224], SCALE_LIST: [0.75, 1.0, 1.25], FLIP_TEST: true };
    const configPath = join(dir, 'seg_tiny_test.json');
    writeFileSync(configPath, JSON.stringify(config));
    const [npy, labels, out] = ['labels.npy', 'labels.png', 'overlay.png'].map((f) => join(dir, f));
    const result = await hrnet(
      'segment', fixturePath('seg_pipeline', 'image.png'), '--weights', fixturePath('seg', 'seg_tiny.pth'),
      '--config', configPath, '--npy', npy, '--labels', labels, '--out', out, '--backend', 'wasm',
    );
    expect(result.stderr).toMatch(/scales 0\.75,1,1\.25, flip on, base 512, crop 288×224/);
    expect(result.code).toBe(0);
    const ours = await readNpyFile(npy);
    expect([ours.dtype, ours.shape]).toEqual(['int32', [256, 512]]);
    const expected = await readNpyFile(fixturePath('seg_pipeline', 'labels_multi.npy'));
    const settings = JSON.parse(readFileSync(fixturePath('seg_pipeline', 'settings.json'), 'utf8'));
    const ties = new Set((settings.multi_scale.top2_margin_relative['pixels_below_1e-3_yx'] as number[][]).map(([y, x]) => y * 512 + x));
    let bad = 0;
    for (let p = 0; p < ours.values.length; p++) if (!ties.has(p) && ours.values[p] !== expected.values[p]) bad++;
    expect(bad).toBe(0);
    // The label PNG is the Cityscapes palette of the labels, pixel for pixel; the overlay has the image's size.
    const png = await readImageFile(labels);
    let wrongColour = 0;
    for (let p = 0; p < ours.values.length; p++) {
      const colour = CITYSCAPES_PALETTE[Number(ours.values[p])];
      if (colour.some((v, c) => png.data[p * 3 + c] !== v)) wrongColour++;
    }
    expect(wrongColour).toBe(0);
    const overlay = await readImageFile(out);
    expect([overlay.width, overlay.height]).toEqual([512, 256]);
  });

  it('--no-flip with --scales 1 gives labels_single; bad flags fail with one clear line', async () => {
    const npy = join(dir, 'single.npy');
    const result = await hrnet(
      'segment', fixturePath('seg_pipeline', 'image.png'), '--weights', fixturePath('seg', 'seg_tiny.pth'),
      '--config', fixturePath('seg', 'seg_tiny_config.json'), '--scales', '1', '--no-flip', '--base-size', '512', '--npy', npy, '--backend', 'wasm',
    );
    expect(result.code).toBe(0);
    const ours = await readNpyFile(npy);
    const expected = await readNpyFile(fixturePath('seg_pipeline', 'labels_single.npy'));
    const settings = JSON.parse(readFileSync(fixturePath('seg_pipeline', 'settings.json'), 'utf8'));
    const ties = new Set((settings.single_scale.top2_margin_log_space['pixels_below_1e-3_yx'] as number[][]).map(([y, x]) => y * 512 + x));
    let bad = 0;
    for (let p = 0; p < ours.values.length; p++) if (!ties.has(p) && ours.values[p] !== expected.values[p]) bad++;
    expect(bad).toBe(0);

    const scales = await hrnet('segment', fixturePath('seg_pipeline', 'image.png'), '--weights', 'x.pth', '--scales', '1,-2');
    expect(scales.code).not.toBe(0);
    expect(scales.stderr).toMatch(/--scales must be comma-separated positive numbers, e.g. 0.75,1,1.25; got '1,-2'/);
    const both = await hrnet('segment', 'a.png', '--weights', 'x.pth', '--flip', '--no-flip');
    expect(both.stderr).toMatch(/--flip and --no-flip contradict/);
  });
});

describe('pnpm hrnet segment with HRNet-OCR checkpoints', () => {
  it('reproduces the official LIP testval labels of tools/oracle/cases/ocr_pipe_lip (resize to the crop, flip pairs)', async () => {
    const c = oracleCase('ocr_pipe_lip');
    const rgb = await readNpyFile(join(c.dir, 'image.npy'));
    const [height, width] = rgb.shape;
    const png = join(dir, 'ocr_lip.png');
    await writePngFile(png, { width, height, data: Uint8Array.from(rgb.values as Uint8Array) });
    const npy = join(dir, 'ocr_lip.npy');
    const result = await hrnet('segment', png, '--weights', join(c.dir, 'model.pth'), '--config', join(c.dir, 'config.json'), '--npy', npy, '--backend', 'wasm');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/20 classes, scales 1, flip on, base 44, crop 36×44 \(w×h\), base windows, test resize crop-size, HRNet-OCR/);
    const ours = await readNpyFile(npy);
    const expected = await readNpyFile(join(c.dir, 'labels.npy'));
    expect(ours.shape).toEqual([height, width]);
    expect(Array.from(ours.values as Int32Array)).toEqual(Array.from(expected.values as Int32Array));
  });

  it('hrnet forward writes aux, the OCR logits and the head intermediates of tools/oracle/cases/ocr_ac_true_odd (1e-4 of std)', async () => {
    const c = oracleCase('ocr_ac_true_odd');
    const out = join(dir, 'ocr_forward');
    const result = await hrnet(
      'forward', '--config', join(c.dir, 'config.json'), '--weights', join(c.dir, 'model.pth'), '--input', c.inputPath, '--output-dir', out, '--backend', 'wasm',
    );
    expect(result.code).toBe(0);
    for (const name of ['aux', 'logits', 'conv3x3_ocr', 'ocr_gather_head', 'ocr_distri_head']) {
      const ours = await readNpyFile(join(out, `${name}.npy`));
      const official = await readNpyFile(join(c.dir, `${name}.npy`));
      expect(ours.shape, name).toEqual(official.shape);
      expect(difference(ours.values as Float32Array, official.values as Float32Array).relToStd, name).toBeLessThan(1e-4);
    }
  });

  it('without --config an OCR checkpoint gets the seg-ocr preset it loads into, else a clear error', async () => {
    const c = oracleCase('ocr_pipe_lip');
    const result = await hrnet('segment', fixturePath('seg_pipeline', 'image.png'), '--weights', join(c.dir, 'model.pth'), '--backend', 'wasm');
    // The tiny oracle network (20 classes) is not W48: no seg-ocr preset fits it (core's matchPreset).
    expect(result.stderr).toMatch(/an HRNet-OCR checkpoint with 20 classes fits no seg-ocr preset; pass --config <seg_hrnet_ocr yaml>/);
    expect(result.code).not.toBe(0);
    expect(result.stderr).not.toMatch(/not supported yet/);
  });
});

describe('pnpm hrnet eval-seg', () => {
  it('prints per-class IoU, mIoU and pixel accuracy for PNG and .npy predictions (hand-checked)', async () => {
    const gt = join(dir, 'gt');
    const pred = join(dir, 'pred');
    mkdirSync(gt);
    mkdirSync(pred);
    // a: gt [0 0 1 / 1 2 255], pred [0 1 1 / 1 0 2]; b: gt [1 1], pred [1 1].
    await writeLabelPng(join(gt, 'a.png'), [0, 0, 1, 1, 2, 255], 3, 2);
    await writeLabelPng(join(pred, 'a.png'), [0, 1, 1, 1, 0, 2], 3, 2);
    await writeLabelPng(join(gt, 'b.png'), [1, 1], 2, 1);
    await writeNpyFile(join(pred, 'b.npy'), { dtype: 'int32', shape: [1, 2], values: Int32Array.from([1, 1]) });
    const json = join(dir, 'metrics.json');
    const result = await hrnet('eval-seg', '--pred', pred, '--gt', gt, '--classes', '3', '--json', json);
    expect(result.code).toBe(0);
    // class 0: tp 1, pos 2, res 2 → 1/3; class 1: tp 4, pos 4, res 5 → 4/5; class 2: 0.
    expect(result.stdout).toMatch(/ 0 {2}IoU {2}33\.33 {2}class 0/);
    expect(result.stdout).toMatch(/ 1 {2}IoU {2}80\.00/);
    expect(result.stdout).toMatch(/mIoU 37\.78 {2}pixel acc 71\.43 {2}mean acc 50\.00/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect([report.images, report.iou[1], report.pixelAccuracy]).toEqual([2, 0.8, 5 / 7]);

    await writePngFile(join(pred, 'a.png'), { data: Uint8Array.from([1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), width: 3, height: 2 });
    const colour = await hrnet('eval-seg', '--pred', pred, '--gt', gt, '--classes', '3');
    expect(colour.code).not.toBe(0);
    expect(colour.stderr).toMatch(/a\.png: pixel \(0, 0\) is a colour \(1, 2, 3\); expected a greyscale label PNG/);
  });
});
