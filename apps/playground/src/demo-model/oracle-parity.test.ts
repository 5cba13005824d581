import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@hrnetjs/core/node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runOracleParity } from './oracle-parity.js';

describe('pnpm demo, second part: every network case of tools/oracle/cases against the official outputs', () => {
  const out = mkdtempSync(join(tmpdir(), 'hrnet-parity-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('runs each network case (pose, seg, OCR, HigherHRNet, cls, mmdet) within 1e-4 of std and names the other cases', async () => {
    await useBackend('wasm');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const before = tf.memory().numTensors;
    try {
      expect(await runOracleParity(out, 'wasm')).toBe(true);
    } finally {
      log.mockRestore();
    }
    expect(tf.memory().numTensors).toBe(before);
    const { results } = JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8')) as { results: Array<{ case: string; family: string; worstRelToStd: number; outputs: number }> };
    const byCase = Object.fromEntries(results.map((r) => [r.case, r]));
    for (const name of ['cls_tiny', 'higher_coco_ms_flip', 'mmdet_ms4', 'ocr_ac_true_odd', 'pose_tiny2', 'seg_ocr_ac_true', 'seg_v11_basic_stem']) {
      expect(byCase[name], name).toBeDefined();
      expect(byCase[name].outputs).toBeGreaterThan(0);
      expect(byCase[name].worstRelToStd).toBeLessThan(1e-4);
    }
    expect(new Set(results.map((r) => r.family))).toEqual(new Set(['cls', 'pose', 'seg', 'mmdet']));
  }, 120_000);
});
