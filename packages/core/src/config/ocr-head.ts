import { ConfigError } from './config-error.js';
import { type Dict, describeValue, isDict, readPositiveInt } from './config-values.js';
import type { OcrHeadConfig } from './types.js';

/**
 * seg_hrnet_ocr.py's fixed values: `MODEL.OCR` defaults of the HRNet-OCR branch's default.py, and
 * the Dropout2d rate the model passes to SpatialOCR_Module (0.05, whatever `MODEL.OCR.DROPOUT` says).
 */
export const OCR_DEFAULTS: Readonly<OcrHeadConfig> = { midChannels: 512, keyChannels: 256, dropout: 0.05 };

/** `MODEL.NAME` of the HRNet-OCR model. */
export const OCR_MODEL_NAME = 'seg_hrnet_ocr';

/** `MODEL.OCR` of an official yaml (MID_CHANNELS, KEY_CHANNELS; missing keys take the defaults). */
export function readYamlOcr(value: unknown): OcrHeadConfig {
  if (value !== undefined && !isDict(value)) {
    throw new ConfigError(`MODEL.OCR must be a mapping (MID_CHANNELS, KEY_CHANNELS), got ${describeValue(value)}`, { path: 'MODEL.OCR' });
  }
  const ocr: Dict = value ?? {};
  return {
    midChannels: ocr.MID_CHANNELS === undefined ? OCR_DEFAULTS.midChannels : readPositiveInt(ocr.MID_CHANNELS, 'MODEL.OCR.MID_CHANNELS'),
    keyChannels: ocr.KEY_CHANNELS === undefined ? OCR_DEFAULTS.keyChannels : readPositiveInt(ocr.KEY_CHANNELS, 'MODEL.OCR.KEY_CHANNELS'),
    // seg_hrnet_ocr.py builds SpatialOCR_Module(dropout=0.05) and never reads MODEL.OCR.DROPOUT.
    dropout: OCR_DEFAULTS.dropout,
  };
}

/** `head.ocr` of our JSON layout ({ midChannels, keyChannels, dropout? }). */
export function readJsonOcr(value: unknown): OcrHeadConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isDict(value)) {
    throw new ConfigError(`head.ocr must be a mapping { midChannels, keyChannels, dropout? }, got ${describeValue(value)}`, { path: 'head.ocr' });
  }
  const dropout = value.dropout ?? OCR_DEFAULTS.dropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) {
    throw new ConfigError(`head.ocr.dropout must be a number in [0, 1), got ${describeValue(dropout)}`, { path: 'head.ocr.dropout' });
  }
  return {
    midChannels: value.midChannels === undefined ? OCR_DEFAULTS.midChannels : readPositiveInt(value.midChannels, 'head.ocr.midChannels'),
    keyChannels: value.keyChannels === undefined ? OCR_DEFAULTS.keyChannels : readPositiveInt(value.keyChannels, 'head.ocr.keyChannels'),
    dropout,
  };
}
