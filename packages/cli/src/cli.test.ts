import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpyFile } from '@hrnetjs/core/node';
import { difference, fixturePath, fixturesDir, repoRoot, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const hrnet = (...args: string[]) => runHrnet(...args);

const MANIFESTS: Array<[string, string, string]> = [
  ['pose-coco-w32-256x192', 'pose', 'manifest_coco_w32_256x192.json'],
  ['pose-coco-w48-384x288', 'pose', 'manifest_coco_w48_384x288.json'],
  ['pose-mpii-w32-256x256', 'pose', 'manifest_mpii_w32_256x256.json'],
  ['seg-cityscapes-w48', 'seg', 'manifest_cityscapes_w48.json'],
  ['seg-ade20k-w48', 'seg', 'manifest_ade20k_w48.json'],
  ['seg-cityscapes-w18-small-v1', 'seg', 'manifest_cityscapes_w18_small_v1.json'],
  ['seg-cityscapes-w18-small-v2', 'seg', 'manifest_cityscapes_w18_small_v2.json'],
  ['cls-w18-small-v1', 'cls', 'manifest_w18_small_v1.json'],
  ['cls-w18-small-v2', 'cls', 'manifest_w18_small_v2.json'],
  ['cls-w18', 'cls', 'manifest_w18.json'],
  ['cls-w32', 'cls', 'manifest_w32.json'],
  ['cls-w48', 'cls', 'manifest_w48.json'],
  ['faster-rcnn-w18', 'det', 'manifest_faster_rcnn_hrnetv2p_w18.json'],
  ['faster-rcnn-w32', 'det', 'manifest_faster_rcnn_hrnetv2p_w32.json'],
  ['faster-rcnn-w40', 'det', 'manifest_faster_rcnn_hrnetv2p_w40.json'],
];

describe('pnpm hrnet keys', () => {
  it.each(MANIFESTS)('%s prints the official %s manifest %s key-for-key', async (preset, group, file) => {
    const { stdout, code } = await hrnet('keys', '--config', preset);
    expect(code).toBe(0);
    const keys = JSON.parse(stdout) as Array<[string, number[]]>;
    const manifest = JSON.parse(readFileSync(fixturePath(group, file), 'utf8')).state_dict;
    if (group !== 'det') {
      expect(keys).toEqual(manifest);
      return;
    }
    // Detector presets: the backbone + neck manifest, then mmdet's RPN and RoI head keys.
    expect(keys.slice(0, manifest.length)).toEqual(manifest);
    expect(keys.slice(manifest.length).map(([k]) => k)).toEqual([
      'rpn_head.rpn_conv.weight', 'rpn_head.rpn_conv.bias', 'rpn_head.rpn_cls.weight', 'rpn_head.rpn_cls.bias',
      'rpn_head.rpn_reg.weight', 'rpn_head.rpn_reg.bias',
      'roi_head.bbox_head.fc_cls.weight', 'roi_head.bbox_head.fc_cls.bias', 'roi_head.bbox_head.fc_reg.weight',
      'roi_head.bbox_head.fc_reg.bias', 'roi_head.bbox_head.shared_fcs.0.weight', 'roi_head.bbox_head.shared_fcs.0.bias',
      'roi_head.bbox_head.shared_fcs.1.weight', 'roi_head.bbox_head.shared_fcs.1.bias',
    ]);
  });

  it.each([
    ['seg-ocr-cityscapes-w48', 'cityscapes__seg_hrnet_ocr_w48_train_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484'],
    ['seg-ocr-ade20k-w48', 'ade20k__seg_hrnet_ocr_w48_520x520_ohem_sgd_lr2e-2_wd1e-4_bs_16_epoch120'],
  ])('%s and the official yaml print the official HRNet-OCR key list (tools/oracle/ocr_keys/%s) key-for-key', async (preset, name) => {
    const manifest = JSON.parse(readFileSync(join(repoRoot(), 'tools', 'oracle', 'ocr_keys', `${name}.keys.json`), 'utf8'));
    expect(manifest).toHaveLength(1890);
    for (const config of [preset, join(repoRoot(), 'tools', 'oracle', 'ocr_keys', `${name}.yaml`)]) {
      const { stdout, code } = await hrnet('keys', '--config', config);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(manifest);
    }
  });

  it('reads config files (a fixture json with --family) and fails with one clear line on bad input', async () => {
    const ok = await hrnet('keys', '--config', fixturePath('pose', 'pose_tiny_config.json'), '--family', 'pose');
    expect(JSON.parse(ok.stdout).at(-1)).toEqual(['final_layer.bias', [17]]);
    const bad = await hrnet('keys', '--config', 'pose-coco-w99');
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/unknown preset 'pose-coco-w99'.*pose-coco-w32-256x192/);
    const family = await hrnet('keys', '--config', 'cls-w32', '--family', 'banana');
    expect(family.stderr).toMatch(/--family must be one of pose, seg, cls, mmdet/);
  });
});

describe('pnpm hrnet forward', () => {
  const out = mkdtempSync(join(tmpdir(), 'hrnet-forward-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const cases: Array<[string, string, string, string[]]> = [
    ['pose', 'pose_tiny_config.json', 'pose_tiny_wrapped.pth', ['stem', 'layer1', 'stage2_out_0', 'stage3_out_2', 'stage4_out_0', 'heatmaps']],
    ['seg', 'seg_tiny_config.json', 'seg_tiny.pth', ['logits']],
    ['det', 'det_tiny_config.json', 'det_tiny.pth', ['backbone_out_0', 'backbone_out_3', 'neck_out_0', 'neck_out_4']],
    // A full detector dict with only the backbone+neck checkpoint: the feature outputs, no heads needed.
    ['det', 'faster_rcnn_tiny_full_config.json', 'det_tiny.pth', ['backbone_out_1', 'backbone_out_2', 'neck_out_1', 'neck_out_3']],
  ];
  it.each(cases)('%s: writes the fixture-named outputs that match the official ones (1e-4 of std)', async (group, config, weights, names) => {
    const dir = join(out, `${group}-${config}`);
    const result = await hrnet(
      'forward', '--config', fixturePath(group, config), '--weights', fixturePath(group, weights),
      '--input', fixturePath(group, 'input.npy'), '--output-dir', dir, '--backend', 'wasm',
    );
    expect(result.stderr).toMatch(/backend: wasm/);
    expect(result.code).toBe(0);
    for (const name of names) {
      const actual = await readNpyFile(join(dir, `${name}.npy`));
      const expected = await readNpyFile(fixturePath(group, `${name}.npy`));
      expect(actual.shape, name).toEqual(expected.shape);
      expect(difference(actual.values as Float32Array, expected.values as Float32Array).relToStd, name).toBeLessThan(1e-4);
    }
  });

  it('reports a checkpoint of another variant with PyTorch-style key lists and a non-zero exit', async () => {
    const result = await hrnet(
      'forward', '--config', 'pose-coco-w32-256x192', '--weights', fixturePath('pose', 'pose_tiny.pth'),
      '--input', fixturePath('pose', 'input.npy'), '--output-dir', join(out, 'bad'),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Missing key\(s\) in checkpoint \(\d+\): "stage2\.0\.branches\.0\.1\.conv1\.weight"/);
    expect(result.stderr).toMatch(/Size mismatch \(\d+\): transition1\.0\.0\.weight: checkpoint \[8,256,3,3\] vs model \[32,256,3,3\]/);
    expect(() => readdirSync(join(out, 'bad'))).toThrow();
  });
});

describe('pnpm hrnet inspect', () => {
  it('summarises a wrapped legacy checkpoint and names its closest preset', async () => {
    const { stdout, code } = await hrnet('inspect', fixturePath('pose', 'pose_tiny_wrapped.pth'), '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ format: 'torch-legacy', wrapper: 'state_dict', prefix: 'module.', tensors: 440 });
    expect(summary.fits).toEqual([]);
    expect(summary.closest.family).toBe('pose');
  });

  it('fails cleanly on a file that is not a checkpoint', async () => {
    const { stderr, code } = await hrnet('inspect', join(fixturesDir(), 'pose', 'box.json'));
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
