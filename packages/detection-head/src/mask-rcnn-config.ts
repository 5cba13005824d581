import { ConfigError } from '@hrnetjs/core';
import { DictReader } from './config-reader.js';
import { readRoIExtractor } from './faster-rcnn-config.js';
import type { MaskHeadConfig } from './fcn-mask-head.js';
import type { RoIExtractorConfig } from './roi-extractor.js';

/** The mask branch of an mmdet 2.x `roi_head` (one entry per stage for cascades). */
export interface MaskBranchConfig {
  roiExtractors: RoIExtractorConfig[];
  maskHeads: MaskHeadConfig[];
  /** `test_cfg.rcnn.mask_thr_binary` (mmdet: 0.5). */
  maskThrBinary: number;
}

/**
 * An `FCNMaskHead` dict (deconv upsampling, plain convs), checked against its RoI extractor. `types`
 * widens the accepted types (HTC: `HTCMaskHead`, whose `with_conv_res` defaults to true).
 */
export function readMaskHead(r: DictReader, extractor: RoIExtractorConfig, types: readonly string[] = ['FCNMaskHead']): MaskHeadConfig {
  const type = r.type(types);
  for (const key of ['conv_cfg', 'norm_cfg']) {
    if (r.has(key)) throw new ConfigError(`${r.at(key)} is not supported (plain convolutions only)`, { path: r.at(key) });
  }
  let scaleFactor = 2;
  if (r.has('upsample_cfg')) {
    const up = r.dict('upsample_cfg');
    up.type(['deconv']);
    scaleFactor = up.positiveInt('scale_factor', 2);
  }
  if (r.has('predictor_cfg')) r.dict('predictor_cfg').type(['Conv']);
  const kernel = r.positiveInt('conv_kernel_size', 3);
  if (kernel % 2 !== 1) throw new ConfigError(`${r.at('conv_kernel_size')} must be odd, got ${kernel}`, { path: r.at('conv_kernel_size') });
  const cfg: MaskHeadConfig = {
    numConvs: r.number('num_convs', 4, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer'),
    roiFeatSize: r.positiveInt('roi_feat_size', 14),
    inChannels: r.positiveInt('in_channels', 256),
    convKernelSize: kernel,
    convOutChannels: r.positiveInt('conv_out_channels', 256),
    numClasses: r.positiveInt('num_classes', 80),
    classAgnostic: r.boolean('class_agnostic', false),
    scaleFactor,
    ...(type === 'HTCMaskHead' ? { withConvRes: r.boolean('with_conv_res', true) } : {}),
  };
  if (cfg.roiFeatSize !== extractor.outputSize) {
    throw new ConfigError(`${r.at('roi_feat_size')} (${cfg.roiFeatSize}) must equal the mask RoI extractor's output_size (${extractor.outputSize})`, {
      path: r.at('roi_feat_size'),
    });
  }
  if (cfg.inChannels !== extractor.outChannels) {
    throw new ConfigError(`${r.at('in_channels')} (${cfg.inChannels}) must equal the mask RoI extractor's out_channels (${extractor.outChannels})`, {
      path: r.at('in_channels'),
    });
  }
  return cfg;
}

/**
 * `roi_head.mask_roi_extractor` / `roi_head.mask_head` (a dict, or for cascades a dict repeated
 * per stage or a list) and `test_cfg.rcnn.mask_thr_binary`; undefined when there is no mask head.
 */
export function parseMaskBranch(
  detector: Record<string, unknown>,
  numStages = 1,
  path = 'model',
  maskHeadTypes: readonly string[] = ['FCNMaskHead'],
): MaskBranchConfig | undefined {
  const root = DictReader.of(detector, path);
  const roi = root.dict('roi_head');
  if (!roi.has('mask_head')) return undefined;
  const perStage = (key: string): DictReader[] => {
    const list = Array.isArray(roi.raw[key]) ? roi.list(key) : Array.from({ length: numStages }, () => roi.dict(key));
    if (list.length !== numStages) throw new ConfigError(`${roi.at(key)} lists ${list.length} entries for ${numStages} stages`, { path: roi.at(key) });
    return list;
  };
  // mmdet shares the bbox RoI extractor when no mask_roi_extractor is given
  const roiExtractors = (roi.has('mask_roi_extractor') ? perStage('mask_roi_extractor') : perStage('bbox_roi_extractor')).map(readRoIExtractor);
  const maskHeads = perStage('mask_head').map((r, i) => readMaskHead(r, roiExtractors[i], maskHeadTypes));
  const rcnn = root.dict('test_cfg').dict('rcnn');
  return { roiExtractors, maskHeads, maskThrBinary: rcnn.number('mask_thr_binary', 0.5) };
}
