import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getPreset, inferModelConfig, readCheckpoint, resolveModelConfig } from '@hrnetjs/core';
import { oracleCase, repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { SegModel } from '../seg-model.js';
import { createSegModel } from '../seg-network.js';
import { OcrSegModel } from './ocr-seg-model.js';

// tools/oracle/ocr_keys: every official seg_hrnet_ocr yaml of the HRNet-OCR branch and the
// state_dict key list the unedited official seg_hrnet_ocr.py builds from it (gen_ocr.py).
const KEYS_DIR = join(repoRoot(), 'tools', 'oracle', 'ocr_keys');
const YAMLS = readdirSync(KEYS_DIR).filter((f) => f.endsWith('.yaml'));

/** The preset that stands for each official yaml (the model-zoo checkpoints' configs). */
const PRESET_OF: Record<string, string> = {
  'cityscapes__seg_hrnet_ocr_w48_train_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484.yaml': 'seg-ocr-cityscapes-w48',
  'ade20k__seg_hrnet_ocr_w48_520x520_ohem_sgd_lr2e-2_wd1e-4_bs_16_epoch120.yaml': 'seg-ocr-ade20k-w48',
  'pascal_ctx__seg_hrnet_ocr_w48_cls59_520x520_sgd_lr1e-3_wd1e-4_bs_16_epoch200.yaml': 'seg-ocr-pascal-ctx-w48',
  'lip__seg_hrnet_ocr_w48_473x473_sgd_lr7e-3_wd5e-4_bs_40_epoch150.yaml': 'seg-ocr-lip-w48',
  'cocostuff__seg_hrnet_ocr_w48_520x520_ohem_sgd_lr1e-3_wd1e-4_bs_16_epoch110.yaml': 'seg-ocr-cocostuff-w48',
};

function officialKeys(yaml: string): Array<[string, number[]]> {
  return JSON.parse(readFileSync(join(KEYS_DIR, yaml.replace(/\.yaml$/, '.keys.json')), 'utf8'));
}

function ourKeys(model: { stateDictSpec(): Array<{ key: string; shape: number[] }> }): Array<[string, number[]]> {
  return model.stateDictSpec().map((e) => [e.key, e.shape]);
}

describe('HRNet-OCR state_dict keys equal the official seg_hrnet_ocr.py ones', () => {
  it('covers all seven official seg_hrnet_ocr yamls', () => {
    expect(YAMLS).toHaveLength(7);
  });

  it.each(YAMLS)('%s parses and builds the official key list key-for-key', (yaml) => {
    const config = resolveModelConfig(readFileSync(join(KEYS_DIR, yaml), 'utf8'), { name: yaml });
    expect(config.backbone.alignCorners).toBe(true); // the branch default; no OCR yaml sets it
    const model = createSegModel(config);
    expect(model).toBeInstanceOf(OcrSegModel);
    const expected = officialKeys(yaml);
    expect(expected).toHaveLength(1890);
    expect(ourKeys(model)).toEqual(expected);
  });

  it.each(Object.entries(PRESET_OF))('%s ↔ preset %s', (yaml, preset) => {
    expect(ourKeys(createSegModel(getPreset(preset)))).toEqual(officialKeys(yaml));
  });

  it('inferModelConfig reads an OCR checkpoint back: classes, MID / KEY channels, a model that loads it strictly', () => {
    const sd = readCheckpoint(oracleCase('ocr_ac_true_odd').checkpoint).stateDict;
    const config = inferModelConfig(sd);
    expect(config.head).toEqual({ type: 'seg', numClasses: 7, finalConvKernel: 1, ocr: { midChannels: 24, keyChannels: 12, dropout: 0.05 } });
    const model = createSegModel(config);
    expect(model).toBeInstanceOf(OcrSegModel);
    const report = model.load(sd);
    expect([report.missing, report.unexpected]).toEqual([[], []]);
    model.dispose();
  });

  it('a plain SegModel refuses an OCR config, and OcrSegModel a plain one', () => {
    const ocr = getPreset('seg-ocr-lip-w48');
    expect(() => new SegModel(ocr)).toThrow(/OCR head \(seg_hrnet_ocr\): build it with OcrSegModel or createSegModel/);
    expect(() => new OcrSegModel(getPreset('seg-lip-w48'))).toThrow(/needs a seg head config with 'ocr'.*without ocr/);
  });
});
