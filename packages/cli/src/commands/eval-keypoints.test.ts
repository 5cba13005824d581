import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturePath, runHrnet } from '@hrnetjs/test-utils';
import { afterAll, describe, expect, it } from 'vitest';

const hrnet = (...args: string[]) => runHrnet(...args);

const fixture = (file: string) => fixturePath('coco_eval', file);

describe('pnpm hrnet eval-keypoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hrnet-eval-kp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the ten summarize() lines of the official run and writes its stats to 1e-9', async () => {
    const out = join(dir, 'stats.json');
    const result = await hrnet('eval-keypoints', '--gt', fixture('gt.json'), '--results', fixture('kp_results.json'), '--json', out);
    expect(result.code).toBe(0);
    const expected = JSON.parse(readFileSync(fixture('kp_stats.json'), 'utf8')).stats as Array<{ value: number; summarize_line: string }>;
    // pycocotools prints one leading space per line; the fixture stores the lines trimmed.
    expect(result.stdout.split('\n').filter(Boolean)).toEqual(expected.map((s) => ` ${s.summarize_line}`));
    const written = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(written)).toEqual(['stats']);
    expect(written.stats).toHaveLength(10);
    written.stats.forEach((v: number, i: number) => expect(Math.abs(v - expected[i].value)).toBeLessThan(1e-9));
  });

  it('fails with one clear line on results for an image the gt does not have, and on missing options', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify([{ image_id: 424242, category_id: 1, keypoints: new Array(51).fill(1), score: 0.5 }]));
    const result = await hrnet('eval-keypoints', '--gt', fixture('gt.json'), '--results', bad);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Results do not correspond to current coco set.*424242/);
    const missing = await hrnet('eval-keypoints', '--results', bad);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--gt is required/);
  });
});
