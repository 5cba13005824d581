import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fixturePath, repoRoot, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

/** Plain execFile, for running from another directory with `pnpm -C`. */
const run = promisify(execFile);
const hrnet = (...args: string[]) => runHrnet(...args);

const fixture = (file: string) => fixturePath('coco_eval', file);

describe('pnpm hrnet eval-boxes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hrnet-eval-boxes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the twelve summarize() lines of the official run and writes its stats to 1e-9', async () => {
    const out = join(dir, 'stats.json');
    const result = await hrnet('eval-boxes', '--gt', fixture('gt.json'), '--results', fixture('bbox_results.json'), '--json', out);
    expect(result.code).toBe(0);
    const expected = JSON.parse(readFileSync(fixture('bbox_stats.json'), 'utf8')).stats as Array<{ value: number; summarize_line: string }>;
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(expected.map((s) => ` ${s.summarize_line}`));
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(written.stats).toHaveLength(12);
    written.stats.forEach((v: number, i: number) => expect(Math.abs(v - expected[i].value)).toBeLessThan(1e-9));
  });

  it('evaluates a hand-checkable case from relative paths: one perfect box → AP 1, --cat-ids restricts categories', async () => {
    const gt = {
      images: [{ id: 1 }],
      categories: [{ id: 1 }, { id: 2 }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 50, 50], area: 2500, iscrowd: 0 },
        { id: 2, image_id: 1, category_id: 2, bbox: [100, 100, 50, 50], area: 2500, iscrowd: 0 },
      ],
    };
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(gt));
    writeFileSync(join(dir, 'res.json'), JSON.stringify([{ image_id: 1, category_id: 1, bbox: [10, 10, 50, 50], score: 0.9 }]));
    // Run from the user's directory (pnpm -C): relative paths are resolved against it.
    const base = { cwd: dir, maxBuffer: 1 << 20 };
    const both = await run('pnpm', ['-C', repoRoot(), 'hrnet', 'eval-boxes', '--gt', 'gt.json', '--results', 'res.json', '--json', 'both.json'], base);
    expect(both.stdout.split('\n')[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.500');
    const one = await run('pnpm', ['-C', repoRoot(), 'hrnet', 'eval-boxes', '--gt', 'gt.json', '--results', 'res.json', '--cat-ids', '1', '--json', 'one.json'], base);
    expect(one.stdout.split('\n')[0]).toBe(' Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 1.000');
    const stats = JSON.parse(readFileSync(join(dir, 'one.json'), 'utf8')).stats;
    expect(Math.abs(stats[0] - 1)).toBeLessThan(1e-12);
    expect(stats[3]).toBe(-1); // no small gt
  });

  it('names the malformed field of a results file and rejects non-JSON input', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ image_id: 8470, category_id: 1, bbox: [1, 2, 3], score: 0.5 }]));
    const result = await hrnet('eval-boxes', '--gt', fixture('gt.json'), '--results', bad);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/results\[0\]\.bbox must be \[x, y, width, height\]/);
    const notJson = await hrnet('eval-boxes', '--gt', fixture('README.md'), '--results', bad);
    expect(notJson.stderr).toMatch(/--gt .*README\.md is not valid JSON/);
  });
});
