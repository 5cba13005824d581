import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluateCoco } from '@hrnetjs/core';
import { readNpyFile, writePngFile } from '@hrnetjs/core/node';
import { oracleCase, oracleDifferences, repoRoot, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const higherDir = join(repoRoot(), 'tools', 'oracle', 'higher');

describe('pnpm hrnet keys (HigherHRNet yamls)', () => {
  // One through the official yaml, one through the preset id.
  it.each([
    ['w32_512', 'its official yaml', join(higherDir, 'w32_512.yaml')],
    ['w48_640', 'preset higher-coco-w48-640', 'higher-coco-w48-640'],
  ])('%s: equals the official state_dict key list key for key (--config %s)', async (name, _label, config) => {
    const { stdout, code, stderr } = await runHrnet('keys', '--config', config);
    expect(stderr).not.toMatch(/error/i);
    expect(code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(higherDir, `manifest_${name}.json`), 'utf8'));
    expect(JSON.parse(stdout)).toEqual(manifest.state_dict);
  });
});

describe('pnpm hrnet pose / forward (bottom-up)', () => {
  const out = mkdtempSync(join(tmpdir(), 'hrnet-higher-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('forward with a HigherHRNet yaml: every output within 1e-4 of std of the official ones; inspect names the model', async () => {
    const c = oracleCase('higher_crowd_3out');
    const weights = join(out, 'crowd.pth');
    writeFileSync(weights, c.checkpoint);
    const dir = join(out, 'forward');
    const r = await runHrnet('forward', '--config', join(c.dir, 'config.json'), '--weights', weights, '--input', c.inputPath, '--output-dir', dir, '--backend', 'wasm');
    expect(r.code).toBe(0);
    const files = Object.fromEntries(c.manifest.outputs.map((o) => [o.name, join(dir, `${o.name}.npy`)]));
    const rel = await oracleDifferences(c, files, readNpyFile, readNpyFile);
    expect(Object.keys(rel)).toEqual(['output_0', 'output_1', 'output_2']);
    for (const [k, v] of Object.entries(rel)) expect(v, k).toBeLessThan(1e-4);
    const inspect = await runHrnet('inspect', weights);
    expect(inspect.stdout).toMatch(/network: {2}HigherHRNet \(bottom-up pose\): W6, 14 joints, one tag map, 2 deconv\(s\)/);
  });

  it('finds the same people as the official test; --results feed COCOeval to the same stats', async () => {
    // Oracle case of tools/oracle/gen_higher.py: the official valid.py loop on this image.
    const c = oracleCase('higher_coco_ms_flip');
    const img = await readNpyFile(join(c.dir, 'image.npy'));
    const png = join(out, 'image.png');
    await writePngFile(png, { data: Uint8Array.from(img.values as ArrayLike<number>), width: img.shape[1], height: img.shape[0] });
    const weights = join(out, 'model.pth');
    writeFileSync(weights, c.checkpoint);
    const json = join(out, 'poses.json');
    const results = join(out, 'results.json');
    const r = await runHrnet('pose', png, '--weights', weights, '--config', join(c.dir, 'config.json'), '--backend', 'wasm', '--json', json, '--results', results, '--image-id', '1');
    expect(r.stderr).toMatch(/bottom-up \(HigherHRNet\) model: config/);
    expect(r.code).toBe(0);
    const expected = JSON.parse(readFileSync(join(c.dir, 'grouped.json'), 'utf8')) as { final_results: number[][][] };
    const { poses } = JSON.parse(readFileSync(json, 'utf8')) as { poses: Array<{ keypoints: Array<{ x: number; y: number }> }> };
    expect(poses.length).toBe(expected.final_results.length);
    let worst = 0;
    poses.forEach((p, i) => p.keypoints.forEach((k, j) => (worst = Math.max(worst, Math.abs(k.x - expected.final_results[i][j][0]), Math.abs(k.y - expected.final_results[i][j][1])))));
    expect(worst).toBeLessThan(0.5);
    const gt = JSON.parse(readFileSync(join(c.dir, 'gt.json'), 'utf8'));
    const ours = evaluateCoco({ gt, results: JSON.parse(readFileSync(results, 'utf8')), iouType: 'keypoints' }).stats;
    const official = evaluateCoco({ gt, results: JSON.parse(readFileSync(join(c.dir, 'results.json'), 'utf8')), iouType: 'keypoints' }).stats;
    ours.forEach((v, i) => expect(v, `stat ${i}`).toBeCloseTo(official[i], 6));
  });

  it('--bottom-up with top-down weights fails with one clear line', async () => {
    const png = join(out, 'small.png');
    await writePngFile(png, { data: new Uint8Array(8 * 6 * 3), width: 8, height: 6 });
    const topDown = join(repoRoot(), 'tools', 'oracle', 'cases', 'pose_tiny2', 'model.pth');
    const r = await runHrnet('pose', png, '--weights', topDown, '--bottom-up');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--bottom-up needs HigherHRNet weights \(final_layers.0.weight is missing\)/);
  });
});
