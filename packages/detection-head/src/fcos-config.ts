import { ConfigError, type ModelConfig } from '@hrnetjs/core';
import { DictReader } from './config-reader.js';
import { type ImageMeta, parseImageMeta } from './faster-rcnn-config.js';
import { type DetectionPipelineConfig, detectionPipelineFromConfig } from './preprocess.js';

/** `bbox_head` of an mmdet 2.x FCOS (`FCOSHead`). */
export interface FcosHeadConfig {
  numClasses: number;
  inChannels: number;
  featChannels: number;
  /** Convs in each of the cls and reg towers (`stacked_convs`, mmdet: 4). */
  stackedConvs: number;
  /** Stride of each level's points (`strides`, mmdet: 4..64; the HRNet configs: 8..128). */
  strides: number[];
  /** Box distances as relu(·) × stride instead of exp(·) (`norm_on_bbox`). */
  normOnBbox: boolean;
  /** Centerness from the reg tower instead of the cls tower (`centerness_on_reg`). */
  centernessOnReg: boolean;
  /** GroupNorm after every tower conv (`norm_cfg=dict(type='GN', num_groups)`), or none. */
  norm: { numGroups: number; eps: number } | null;
  /** Tower convs carry a bias (`conv_bias`; 'auto' = only without a norm). */
  convBias: boolean;
  /** Clip decoded boxes to the image (`bbox_coder.clip_border`, mmdet: true). */
  clipBorder: boolean;
}

/** `test_cfg` of a one-stage dense head (mmdet 2.x `BaseDenseHead.get_bboxes`). */
export interface FcosTestConfig {
  /** (point, class) pairs kept per level after `scoreThr`, best first (≤ 0: all). */
  nmsPre: number;
  /** Parsed for completeness: mmdet 2.x's dense-head test path (2.18 on) does not use it. */
  minBboxSize: number;
  /** Class scores (sigmoid, before the centerness factor) must exceed this to be candidates. */
  scoreThr: number;
  iouThreshold: number;
  /** NMS over all classes at once (`nms.class_agnostic`, mmdet: false). */
  classAgnostic: boolean;
  /** Detections kept per image (≤ 0: all). */
  maxPerImg: number;
}

/** Everything the FCOS head and its test path need, from one mmdet 2.x model dict. */
export interface FcosConfig {
  bboxHead: FcosHeadConfig;
  testCfg: FcosTestConfig;
  /** `img_metas[0]` of the dict, when it carries one (oracle cases do; real configs do not). */
  imgMeta?: ImageMeta;
  /** Map detections back to the original image (`rescale`, default true as in mmdet's test). */
  rescale: boolean;
}

/** True when an mmdet detector dict is a one-stage FCOS (`bbox_head.type` FCOSHead, no RPN / RoI head). */
export function isFcosDetector(detector: Record<string, unknown> | undefined): detector is Record<string, unknown> {
  if (detector === undefined || detector.rpn_head !== undefined || detector.roi_head !== undefined) return false;
  const head = detector.bbox_head as { type?: unknown } | undefined;
  return typeof head === 'object' && head !== null && head.type === 'FCOSHead';
}

/** True when a checkpoint's keys are an FCOS head's (`bbox_head.conv_centerness.*`, `bbox_head.scales.*`, no RPN). */
export function isFcosKeys(keys: Iterable<string>): boolean {
  let centerness = false;
  let scales = false;
  for (const k of keys) {
    if (k.startsWith('rpn_head.') || k.startsWith('roi_head.')) return false;
    centerness ||= k.startsWith('bbox_head.conv_centerness.');
    scales ||= /^bbox_head\.scales\.\d+\.scale$/.test(k);
  }
  return centerness && scales;
}

function readNorm(h: DictReader): FcosHeadConfig['norm'] {
  // FCOSHead's default norm_cfg is GN(32); `norm_cfg=None` turns the norm off.
  if (!('norm_cfg' in h.raw)) return { numGroups: 32, eps: 1e-5 };
  if (h.raw.norm_cfg === null) return null;
  const n = h.dict('norm_cfg');
  n.type(['GN']);
  return { numGroups: n.positiveInt('num_groups'), eps: n.number('eps', 1e-5, (v) => v > 0, 'a positive number') };
}

/**
 * `config.head.detector` (an mmdet 2.x FCOS model dict minus backbone / neck: `bbox_head`,
 * `test_cfg`, optionally `img_metas` and `rescale`) → {@link FcosConfig}. Defaults are mmdet's;
 * what the head cannot run (DCN on the last conv, a softmax classifier, conv_cfg) fails with its path.
 */
export function parseFcosConfig(detector: Record<string, unknown>, path = 'model'): FcosConfig {
  const root = DictReader.of(detector, path);
  root.type(['FCOS', 'SingleStageDetector'], false);
  const h = root.dict('bbox_head');
  h.type(['FCOSHead']);
  if (h.boolean('dcn_on_last_conv', false)) {
    throw new ConfigError(`${h.at('dcn_on_last_conv')} is true; deformable convolutions are not supported`, { path: h.at('dcn_on_last_conv') });
  }
  if (h.has('conv_cfg')) throw new ConfigError(`${h.at('conv_cfg')} is not supported (plain convolutions only)`, { path: h.at('conv_cfg') });
  if (h.has('loss_cls') && !h.dict('loss_cls').boolean('use_sigmoid', false)) {
    throw new ConfigError(`${h.at('loss_cls.use_sigmoid')} must be true: FCOS scores are per-class sigmoids`, { path: h.at('loss_cls.use_sigmoid') });
  }
  if (h.has('bbox_coder')) h.dict('bbox_coder').type(['DistancePointBBoxCoder']);
  const norm = readNorm(h);
  const convBiasRaw = h.raw.conv_bias;
  if (convBiasRaw !== undefined && convBiasRaw !== 'auto' && typeof convBiasRaw !== 'boolean') {
    throw new ConfigError(`${h.at('conv_bias')} must be 'auto', true or false, got ${JSON.stringify(convBiasRaw)}`, { path: h.at('conv_bias') });
  }
  const bboxHead: FcosHeadConfig = {
    numClasses: h.positiveInt('num_classes'),
    inChannels: h.positiveInt('in_channels'),
    featChannels: h.positiveInt('feat_channels', 256),
    stackedConvs: h.number('stacked_convs', 4, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer'),
    strides: h.numbers('strides', undefined, [4, 8, 16, 32, 64], true),
    normOnBbox: h.boolean('norm_on_bbox', false),
    centernessOnReg: h.boolean('centerness_on_reg', false),
    norm,
    convBias: typeof convBiasRaw === 'boolean' ? convBiasRaw : norm === null,
    clipBorder: h.has('bbox_coder') ? h.dict('bbox_coder').boolean('clip_border', true) : true,
  };
  if (!bboxHead.strides.every((s) => Number.isInteger(s))) {
    throw new ConfigError(`${h.at('strides')} must be integers (one stride per level), got ${JSON.stringify(bboxHead.strides)}`, { path: h.at('strides') });
  }
  if (norm && bboxHead.stackedConvs > 0 && bboxHead.featChannels % norm.numGroups !== 0) {
    throw new ConfigError(`${h.at('norm_cfg.num_groups')} (${norm.numGroups}) must divide feat_channels (${bboxHead.featChannels})`, { path: h.at('norm_cfg.num_groups') });
  }
  if (bboxHead.stackedConvs === 0 && bboxHead.inChannels !== bboxHead.featChannels) {
    throw new ConfigError(`${h.at('feat_channels')} (${bboxHead.featChannels}) must equal in_channels (${bboxHead.inChannels}) without stacked convs`, { path: h.at('feat_channels') });
  }

  const t = root.dict('test_cfg');
  let iouThreshold: number;
  let classAgnostic = false;
  if (t.has('nms')) {
    const nms = t.dict('nms');
    nms.type(['nms'], false);
    iouThreshold = nms.number('iou_threshold', undefined, (v) => v > 0 && v <= 1, 'an IoU in (0, 1]');
    classAgnostic = nms.boolean('class_agnostic', false);
  } else {
    iouThreshold = t.number('nms_thr', undefined, (v) => v > 0 && v <= 1, 'an IoU in (0, 1]');
  }
  const testCfg: FcosTestConfig = {
    nmsPre: t.int('nms_pre', -1),
    minBboxSize: t.number('min_bbox_size', 0),
    scoreThr: t.number('score_thr', 0.05),
    iouThreshold,
    classAgnostic,
    maxPerImg: t.int(t.has('max_per_img') ? 'max_per_img' : 'max_num', 100),
  };
  const metas = root.raw.img_metas;
  const imgMeta = Array.isArray(metas) && metas.length > 0 ? parseImageMeta(metas[0], root.at('img_metas[0]')) : undefined;
  return { bboxHead, testCfg, imgMeta, rescale: root.boolean('rescale', true) };
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `img_norm_cfg` (2.x) or `model.data_preprocessor` (3.x) of a raw mmdet config, as {mean, std, toRgb}. */
function statedNormalisation(source: unknown): { mean: number[]; std: number[]; toRgb: boolean } | undefined {
  if (!isDict(source)) return undefined;
  const model = isDict(source.model) ? source.model : source;
  const candidates: Array<[unknown, string]> = [
    [source.img_norm_cfg, 'to_rgb'],
    [model.data_preprocessor, 'bgr_to_rgb'],
  ];
  for (const [cfg, rgbKey] of candidates) {
    if (!isDict(cfg) || !Array.isArray(cfg.mean) || !Array.isArray(cfg.std)) continue;
    const three = (v: unknown[]) => v.length === 3 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!three(cfg.mean) || !three(cfg.std) || (cfg.std as number[]).some((x) => x <= 0)) {
      throw new ConfigError(`${rgbKey === 'to_rgb' ? 'img_norm_cfg' : 'data_preprocessor'}.mean/std must be three numbers each (std > 0)`);
    }
    return { mean: cfg.mean as number[], std: cfg.std as number[], toRgb: cfg[rgbKey] === true };
  }
  return undefined;
}

/**
 * The test pipeline of an FCOS config: resize / pad as {@link detectionPipelineFromConfig}; the
 * normalisation of the raw config's `img_norm_cfg` with its channel order, and when the config states
 * none (presets, our JSON layout, a bare model dict) the FCOS-HRNet configs' own: BGR input
 * (`to_rgb=False`) with mean [103.53, 116.28, 123.675], std [57.375, 57.12, 58.395] — the RGB
 * statistics of `config.input` (mmdet's usual ones by default) in BGR order.
 */
export function fcosPipelineFromConfig(config: Pick<ModelConfig, 'input' | 'test' | 'source'>): DetectionPipelineConfig {
  const base = detectionPipelineFromConfig(config);
  const stated = statedNormalisation(config.source);
  if (stated) {
    const [m0, m1, m2] = stated.mean;
    const [s0, s1, s2] = stated.std;
    return { ...base, mean: [m0, m1, m2], std: [s0, s1, s2], toRgb: stated.toRgb };
  }
  const [m0, m1, m2] = base.mean;
  const [s0, s1, s2] = base.std;
  return { ...base, mean: [m2, m1, m0], std: [s2, s1, s0], toRgb: false };
}
