import { readdirSync, readFileSync, statSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Box, boxToXywh, decodeImage, evaluateCoco } from '@hrnetjs/core';
import { readNpyFile } from '@hrnetjs/core/node';
import { fixturePath } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { detectToCoco, poseToCoco } from './coco.js';
import { Options } from '../commands/command.js';
import { detectCommand } from '../commands/detect.js';
import { evalBoxesCommand } from '../commands/eval-boxes.js';
import { evalKeypointsCommand } from '../commands/eval-keypoints.js';
import { poseCommand } from '../commands/pose.js';
import { segmentCommand } from '../commands/segment.js';
import { CliProcess, runCli } from './test-cli.js';
import { writeScenes } from './test-images.js';

const dir = mkdtempSync(join(tmpdir(), 'hrnet-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POSE = ['--weights', fixturePath('pose', 'pose_tiny.pth'), '--config', fixturePath('pose', 'pose_tiny_config.json'), '--backend', 'wasm'];
const DETECT = [
  '--weights', fixturePath('det', 'det_tiny.pth'), '--weights', fixturePath('det', 'faster_rcnn_tiny_heads.pth'),
  '--config', fixturePath('det', 'faster_rcnn_tiny_full_config.json'), '--backend', 'wasm', '--max-detections', '20',
];

/**
 * A one-image command (or an eval) in this process, as `hrnet` runs it: spares a process start per
 * call. `--flag value` pairs → options (a repeated flag collects).
 */
async function inProcess(command: (ctx: Parameters<typeof poseCommand>[0]) => Promise<void>, positionals: string[], flags: string[]): Promise<void> {
  const values: Record<string, string | boolean | string[]> = {};
  for (let i = 0; i < flags.length; i++) {
    const name = flags[i].replace(/^--/, '');
    if (name === 'no-flip') {
      values[name] = true;
      continue;
    }
    const value = flags[++i];
    const previous = values[name];
    values[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous as string]), value];
  }
  await command({ options: new Options(values), positionals, stdout: () => {}, stderr: () => {} });
}

/** Every result file under `out` (recursive), with the errors / COCO files left out. */
function resultFiles(out: string, ext = '.json'): string[] {
  return (readdirSync(out, { recursive: true }) as string[])
    .filter((f) => f.endsWith(ext) && f !== 'errors.json' && f !== 'coco_results.json')
    .sort();
}

/** A COCO gt whose annotations are the given predictions moved by growing offsets: stats strictly between 0 and 1. */
function keypointGt(docs: Array<{ id: number; poses: Array<{ box: Box; keypoints: Array<{ x: number; y: number }> }> }>) {
  return {
    images: docs.map((d) => ({ id: d.id, file_name: `${d.id}.png`, width: 96, height: 128 })),
    categories: [{ id: 1, name: 'person', keypoints: Array.from({ length: 17 }, (_, j) => `k${j}`), skeleton: [] }],
    annotations: docs.map((d, i) => {
      const shift = [1, 6, 25][i % 3];
      const [, , width, height] = boxToXywh(d.poses[0].box);
      return {
        id: i + 1, image_id: d.id, category_id: 1, iscrowd: 0, num_keypoints: 17, area: width * height, bbox: [0, 0, width, height],
        keypoints: d.poses[0].keypoints.flatMap((k) => [k.x + shift, k.y - shift, 2]),
      };
    }),
  };
}

describe('hrnet pose over a folder (local worker pool)', () => {
  it('writes the one-image results per image, one error entry for a corrupt file, COCO results eval-keypoints reads with equal stats', async () => {
    const input = join(dir, 'pose-in');
    const names = ['000000000011', '000000000012', 'sub/000000000013'];
    const images = await writeScenes(input, names);
    const good = readFileSync(images[0]);
    writeFileSync(join(input, '000000000099.png'), good.subarray(0, 60)); // a truncated PNG
    const out = join(dir, 'pose-out');

    const batch = await runCli('pose', input, ...POSE, '--out-dir', out, '--jobs', '2');
    expect(batch.stderr).toMatch(/pose: 4 images, 0 already done, 4 to run on 2 worker thread/);
    expect(batch.code).toBe(1); // one image failed
    expect(batch.stderr).toMatch(/1 of 4 images failed; reasons in .*errors\.json/);
    const errors = JSON.parse(readFileSync(join(out, 'errors.json'), 'utf8'));
    expect(errors).toHaveLength(1);
    expect(errors[0].image).toBe(join(input, '000000000099.png'));
    expect(errors[0].error.length).toBeGreaterThan(5);
    expect(resultFiles(out)).toEqual(['000000000011.json', '000000000012.json', 'sub/000000000013.json']);

    // The one-image command writes byte-identical results.
    const docs = [];
    for (const [i, image] of images.entries()) {
      const json = join(dir, `single-${i}.json`);
      await inProcess(poseCommand, [image], [...POSE, '--json', json]);
      const text = readFileSync(json, 'utf8');
      expect(readFileSync(join(out, `${names[i]}.json`), 'utf8')).toBe(text);
      docs.push({ id: 11 + i, ...JSON.parse(text) });
    }

    const coco = JSON.parse(readFileSync(join(out, 'coco_results.json'), 'utf8'));
    expect(coco.map((r: { image_id: number }) => r.image_id)).toEqual([11, 12, 13]);
    expect(coco[0].keypoints).toHaveLength(51);
    const gt = keypointGt(docs);
    const gtPath = join(dir, 'kp-gt.json');
    writeFileSync(gtPath, JSON.stringify(gt));
    const statsPath = join(dir, 'kp-stats.json');
    await inProcess(evalKeypointsCommand, [], ['--gt', gtPath, '--results', join(out, 'coco_results.json'), '--json', statsPath]);
    const stats = JSON.parse(readFileSync(statsPath, 'utf8')).stats as number[];
    const reference = evaluateCoco({ gt, results: docs.flatMap((d) => poseToCoco(d, d.id)), iouType: 'keypoints' }).stats;
    expect(stats).toEqual(reference);
    expect(stats.some((v) => v > 0 && v < 1)).toBe(true);
  });

  it('--engine onnxruntime --ort-cache: two workers share one optimized-graph entry; results equal the one-image ORT command', async () => {
    const input = join(dir, 'pose-ort-in');
    const names = ['000000000021', '000000000022', '000000000023'];
    const images = await writeScenes(input, names);
    const out = join(dir, 'pose-ort-out');
    const cache = join(dir, 'pose-ort-cache');
    const batch = await runCli('pose', input, ...POSE, '--out-dir', out, '--jobs', '2', '--engine', 'onnxruntime', '--ort-cache', cache);
    expect(batch.code, batch.stderr).toBe(0);
    expect(batch.stderr).toMatch(/engine onnxruntime/);
    // Both workers asked for the same model: one entry, no staging folder left behind.
    expect(readdirSync(cache)).toHaveLength(1);
    expect(readdirSync(join(cache, readdirSync(cache)[0])).sort()).toEqual(['model.onnx', 'model.onnx.data']);
    for (const [i, image] of images.entries()) {
      const json = join(dir, `single-ort-${i}.json`);
      await inProcess(poseCommand, [image], [...POSE, '--json', json, '--engine', 'onnxruntime', '--threads', '1']);
      const single = JSON.parse(readFileSync(json, 'utf8')) as { poses: Array<{ keypoints: Array<{ x: number; y: number }> }> };
      const fromBatch = JSON.parse(readFileSync(join(out, `${names[i]}.json`), 'utf8')) as typeof single;
      const px = Math.max(...single.poses.flatMap((p, k) => p.keypoints.flatMap((kp, j) => {
        const b = fromBatch.poses[k].keypoints[j];
        return [Math.abs(kp.x - b.x), Math.abs(kp.y - b.y)];
      })));
      expect(fromBatch.poses).toHaveLength(single.poses.length);
      expect(px).toBeLessThan(1e-3);
    }
  });

  it('fails with one clear line: several images without --out-dir, --box over many images, weights that do not load', async () => {
    const input = join(dir, 'pose-in');
    await expect(inProcess(poseCommand, [input], POSE)).rejects.toThrow(/pose over several images needs --out-dir <dir>/);
    await expect(inProcess(poseCommand, [input], [...POSE, '--out-dir', join(dir, 'x'), '--box', '1,2,3,4'])).rejects.toThrow(/--box names boxes of one image/);
    const missing = await runCli('pose', input, '--weights', join(dir, 'nope.pth'), '--backend', 'wasm', '--out-dir', join(dir, 'nope-out'), '--jobs', '1');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/hrnet: pose: .*nope\.pth/);
    expect(existsSync(join(dir, 'nope-out', 'coco_results.json'))).toBe(false);
  });

  it('resumes after a SIGKILL: finished images are skipped, no half-written file counts as done', async () => {
    const input = join(dir, 'resume-in');
    await writeScenes(input, ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8'], undefined, 7);
    const out = join(dir, 'resume-out');
    const args = ['pose', input, ...POSE, '--no-flip', '--out-dir', out, '--jobs', '1'];
    const first = new CliProcess(args);
    await first.waitFor(() => existsSync(out) && resultFiles(out).length >= 1, 'a first result');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();
    const done = resultFiles(out);
    expect(done.length).toBeLessThan(8);
    // Whatever the kill left, every result file is whole.
    for (const f of done) expect(JSON.parse(readFileSync(join(out, f), 'utf8')).poses).toHaveLength(1);
    const mtimes = done.map((f) => statSync(join(out, f)).mtimeMs);

    const second = await runCli(...args);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`8 images, ${done.length} already done, ${8 - done.length} to run`));
    expect(resultFiles(out)).toHaveLength(8);
    expect(done.map((f) => statSync(join(out, f)).mtimeMs)).toEqual(mtimes);
    expect(JSON.parse(readFileSync(join(out, 'coco_results.json'), 'utf8'))).toHaveLength(8);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('stops cleanly on SIGINT: the image in hand finishes, exit code 130, nothing half-written', async () => {
    const input = join(dir, 'sigint-in');
    await writeScenes(input, Array.from({ length: 12 }, (_, i) => `s${i + 1}`), undefined, 11);
    const out = join(dir, 'sigint-out');
    const run = new CliProcess(['pose', input, ...POSE, '--no-flip', '--out-dir', out, '--jobs', '1']);
    await run.waitFor(() => existsSync(out) && resultFiles(out).length >= 1, 'a first result');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr).toMatch(/interrupted: finishing the images in progress/);
    expect(run.stderr).toMatch(/run the same command again to resume/);
    const done = resultFiles(out);
    expect(done.length).toBeLessThan(12);
    for (const f of done) expect(JSON.parse(readFileSync(join(out, f), 'utf8')).poses).toHaveLength(1);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(JSON.parse(readFileSync(join(out, 'coco_results.json'), 'utf8'))).toHaveLength(done.length);
  });
});

describe('hrnet detect over files (local worker pool)', () => {
  it('equals the one-image command per image; eval-boxes reads the COCO results with equal stats', async () => {
    const input = join(dir, 'det-in');
    const images = await writeScenes(input, ['000000000021'], { width: 80, height: 60 }, 3);
    const out = join(dir, 'det-out');
    const batch = await runCli('detect', ...images, ...DETECT, '--out-dir', out, '--jobs', '1');
    expect(batch.code).toBe(0);
    const docs = [];
    for (const [i, image] of images.entries()) {
      const json = join(dir, `det-single-${i}.json`);
      await inProcess(detectCommand, [image], [...DETECT, '--json', json]);
      const text = readFileSync(json, 'utf8');
      expect(readFileSync(join(out, `0000000000${21 + i}.json`), 'utf8')).toBe(text);
      docs.push({ id: 21 + i, ...JSON.parse(text) });
    }
    const single = docs.flatMap((d) => detectToCoco(d, d.id));
    expect(single.length).toBeGreaterThan(0);
    const gt = {
      images: docs.map((d) => ({ id: d.id, file_name: `${d.id}.png`, width: 80, height: 60 })),
      categories: [...new Set(single.map((r) => r.category_id))].map((id) => ({ id, name: `c${id}` })),
      annotations: single.filter((_, i) => i % 3 === 0).map((r, i) => ({
        id: i + 1, image_id: r.image_id, category_id: r.category_id, iscrowd: 0, area: r.bbox[2] * r.bbox[3],
        bbox: [r.bbox[0] + (i % 2) * 2, r.bbox[1], r.bbox[2], r.bbox[3]],
      })),
    };
    const gtPath = join(dir, 'box-gt.json');
    writeFileSync(gtPath, JSON.stringify(gt));
    const statsPath = join(dir, 'box-stats.json');
    await inProcess(evalBoxesCommand, [], ['--gt', gtPath, '--results', join(out, 'coco_results.json'), '--json', statsPath]);
    const stats = JSON.parse(readFileSync(statsPath, 'utf8')).stats as number[];
    expect(stats).toEqual(evaluateCoco({ gt, results: single, iouType: 'bbox' }).stats);
    expect(stats.some((v) => v > 0 && v < 1)).toBe(true);
  });
});

describe('hrnet segment over a folder (local worker pool)', () => {
  it('writes the one-image label map per image (.npy, grey PNG) and --overlays', async () => {
    const input = join(dir, 'seg-in');
    const images = await writeScenes(input, ['s1', 'sub/s2'], { width: 64, height: 48 }, 17);
    const SEG = ['--weights', fixturePath('seg', 'seg_tiny.pth'), '--config', fixturePath('seg', 'seg_tiny_config.json'), '--backend', 'wasm', '--scales', '1', '--no-flip', '--base-size', '96', '--crop-size', '96,96'];
    const out = join(dir, 'seg-out');
    const npyRun = await runCli('segment', input, ...SEG, '--out-dir', out, '--seg-format', 'npy', '--overlays', '--jobs', '2');
    expect(npyRun.code).toBe(0);
    const single = join(dir, 'seg-single.npy');
    await inProcess(segmentCommand, [images[1]], [...SEG, '--npy', single]);
    expect(readFileSync(join(out, 'sub/s2.npy')).equals(readFileSync(single))).toBe(true);
    const labels = await readNpyFile(join(out, 's1.npy'));
    expect(labels.shape).toEqual([48, 64]);
    const overlay = await decodeImage(readFileSync(join(out, 'overlays/sub/s2.png')));
    expect([overlay.width, overlay.height]).toEqual([64, 48]);
    expect(existsSync(join(out, 'coco_results.json'))).toBe(false);

    const pngOut = join(dir, 'seg-png');
    expect((await runCli('segment', input, ...SEG, '--out-dir', pngOut, '--jobs', '1')).code).toBe(0);
    const grey = await decodeImage(readFileSync(join(pngOut, 's1.png')));
    const values = labels.values as Int32Array;
    expect(Array.from({ length: values.length }, (_, p) => grey.data[p * 3])).toEqual(Array.from(values));
  });
});
