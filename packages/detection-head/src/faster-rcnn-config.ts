import { ConfigError } from '@hrnetjs/core';
import type { AnchorGeneratorConfig } from './anchor-generator.js';
import { DictReader } from './config-reader.js';
import type { DeltaXYWHCoderConfig } from './delta-xywh-coder.js';
import type { RcnnTestConfig } from './multiclass-nms.js';
import type { RoIExtractorConfig } from './roi-extractor.js';

/** `test_cfg.rpn`: proposal generation. */
export interface RpnTestConfig {
  /** Top-scoring anchors kept per level before NMS (≤ 0: all). */
  nmsPre: number;
  /** Proposals kept after NMS. */
  maxPerImg: number;
  iouThreshold: number;
  /** Proposals with width or height ≤ this are dropped (mmdet: strictly greater is kept). */
  minBboxSize: number;
}

/** `test_cfg` of a two-stage detector. */
export interface FasterRcnnTestConfig {
  rpn: RpnTestConfig;
  rcnn: RcnnTestConfig;
}

/** `rpn_head` (mmdet `RPNHead`). */
export interface RPNHeadConfig {
  inChannels: number;
  featChannels: number;
  anchorGenerator: AnchorGeneratorConfig;
  bboxCoder: DeltaXYWHCoderConfig;
}

/** `roi_head.bbox_head` (mmdet `Shared2FCBBoxHead`). */
export interface BBoxHeadConfig {
  inChannels: number;
  fcOutChannels: number;
  roiFeatSize: number;
  numClasses: number;
  numSharedFcs: number;
  regClassAgnostic: boolean;
  bboxCoder: DeltaXYWHCoderConfig;
}

/** What one image went through before the network (mmdet `img_metas[i]`). */
export interface ImageMeta {
  /** [height, width] of the resized image inside the padded input: boxes are clipped to it. */
  imgShape: [number, number];
  /** [w, h, w, h] factors from the original image to `imgShape` (float32 in mmdet). */
  scaleFactor: [number, number, number, number];
  /** [height, width] of the original image. */
  oriShape?: [number, number];
  /** [height, width] after padding. */
  padShape?: [number, number];
}

/** Everything the Faster R-CNN heads and their test path need, from one mmdet 2.x model dict. */
export interface FasterRcnnConfig {
  rpnHead: RPNHeadConfig;
  roiExtractor: RoIExtractorConfig;
  bboxHead: BBoxHeadConfig;
  testCfg: FasterRcnnTestConfig;
  /** `img_metas[0]` of the dict, when it carries one (fixtures do; real configs do not). */
  imgMeta?: ImageMeta;
  /** Map detections back to the original image (`rescale`, default true as in mmdet's test). */
  rescale: boolean;
}

function readCoder(r: DictReader, defaultStds: number[]): DeltaXYWHCoderConfig {
  if (!r.has('bbox_coder')) return { means: [0, 0, 0, 0], stds: defaultStds as DeltaXYWHCoderConfig['stds'] };
  const c = r.dict('bbox_coder');
  c.type(['DeltaXYWHBBoxCoder']);
  return {
    means: c.numbers('target_means', 4, [0, 0, 0, 0]) as DeltaXYWHCoderConfig['means'],
    stds: c.numbers('target_stds', 4, defaultStds, true) as DeltaXYWHCoderConfig['stds'],
    whRatioClip: c.number('wh_ratio_clip', 16 / 1000),
    clipBorder: c.boolean('clip_border', true),
  };
}

function readAnchors(r: DictReader): AnchorGeneratorConfig {
  r.type(['AnchorGenerator']);
  const strides = r.numbers('strides', undefined, undefined, true);
  let scales: number[];
  if (r.has('scales')) scales = r.numbers('scales', undefined, undefined, true);
  else {
    const base = r.number('octave_base_scale');
    const n = r.positiveInt('scales_per_octave');
    scales = Array.from({ length: n }, (_, i) => base * 2 ** (i / n));
  }
  return {
    strides,
    ratios: r.numbers('ratios', undefined, undefined, true),
    scales,
    baseSizes: r.has('base_sizes') ? r.numbers('base_sizes', strides.length, undefined, true) : undefined,
    centerOffset: r.number('center_offset', 0),
    scaleMajor: r.boolean('scale_major', true),
  };
}

/** `SingleRoIExtractor` with a `RoIAlign` layer (bbox or mask RoI extractor). */
export function readRoIExtractor(ext: DictReader): RoIExtractorConfig {
  ext.type(['SingleRoIExtractor']);
  const layer = ext.dict('roi_layer');
  layer.type(['RoIAlign']);
  return {
    outputSize: layer.positiveInt('output_size'),
    samplingRatio: layer.number('sampling_ratio', 0, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer'),
    aligned: layer.boolean('aligned', true),
    outChannels: ext.positiveInt('out_channels'),
    featmapStrides: ext.numbers('featmap_strides', undefined, undefined, true),
    finestScale: ext.number('finest_scale', 56, (v) => v > 0, 'a positive number'),
  };
}

/** A `Shared2FCBBoxHead` / shared-FC `ConvFCBBoxHead` dict, checked against its RoI extractor. */
export function readBBoxHead(bh: DictReader, roiExtractor: RoIExtractorConfig): BBoxHeadConfig {
  const bhType = bh.type(['Shared2FCBBoxHead', 'ConvFCBBoxHead']);
  if (bhType === 'ConvFCBBoxHead') {
    for (const key of ['num_shared_convs', 'num_cls_convs', 'num_cls_fcs', 'num_reg_convs', 'num_reg_fcs']) {
      if (bh.int(key, 0) !== 0) throw new ConfigError(`${bh.at(key)} must be 0; only shared FC heads are supported`, { path: bh.at(key) });
    }
  }
  const bboxHead: BBoxHeadConfig = {
    inChannels: bh.positiveInt('in_channels', 256),
    fcOutChannels: bh.positiveInt('fc_out_channels', 1024),
    roiFeatSize: bh.positiveInt('roi_feat_size', 7),
    numClasses: bh.positiveInt('num_classes', 80),
    numSharedFcs: bhType === 'Shared2FCBBoxHead' ? 2 : bh.positiveInt('num_shared_fcs'),
    regClassAgnostic: bh.boolean('reg_class_agnostic', false),
    bboxCoder: readCoder(bh, [0.1, 0.1, 0.2, 0.2]),
  };
  if (bboxHead.roiFeatSize !== roiExtractor.outputSize) {
    throw new ConfigError(`${bh.at('roi_feat_size')} (${bboxHead.roiFeatSize}) must equal the RoI extractor's output_size (${roiExtractor.outputSize})`, {
      path: bh.at('roi_feat_size'),
    });
  }
  if (bboxHead.inChannels !== roiExtractor.outChannels) {
    throw new ConfigError(`${bh.at('in_channels')} (${bboxHead.inChannels}) must equal the RoI extractor's out_channels (${roiExtractor.outChannels})`, {
      path: bh.at('in_channels'),
    });
  }
  return bboxHead;
}

/** `nms` dict, or the deprecated `nms_thr`. */
function readIou(r: DictReader): number {
  if (r.has('nms')) {
    const nms = r.dict('nms');
    nms.type(['nms'], false);
    return nms.number('iou_threshold', undefined, (v) => v > 0 && v <= 1, 'an IoU in (0, 1]');
  }
  return r.number('nms_thr', undefined, (v) => v > 0 && v <= 1, 'an IoU in (0, 1]');
}

function readShape(value: unknown, path: string): [number, number] {
  if (!Array.isArray(value) || value.length < 2 || !value.slice(0, 2).every((v) => Number.isInteger(v) && v > 0)) {
    throw new ConfigError(`${path} must be [height, width(, channels)], got ${JSON.stringify(value)}`, { path });
  }
  return [value[0], value[1]];
}

/** Parses mmdet `img_metas[i]` (snake_case keys, shapes (h, w, c), scale_factor [w, h, w, h] or a scalar). */
export function parseImageMeta(value: unknown, path = 'img_metas[0]'): ImageMeta {
  const r = DictReader.of(value, path);
  const sf = r.raw.scale_factor;
  let scaleFactor: ImageMeta['scaleFactor'];
  if (typeof sf === 'number' && sf > 0) scaleFactor = [sf, sf, sf, sf];
  else if (sf === undefined) scaleFactor = [1, 1, 1, 1];
  else {
    const v = r.numbers('scale_factor', 4, undefined, true);
    scaleFactor = [v[0], v[1], v[2], v[3]];
  }
  return {
    imgShape: readShape(r.raw.img_shape, r.at('img_shape')),
    scaleFactor,
    oriShape: r.has('ori_shape') ? readShape(r.raw.ori_shape, r.at('ori_shape')) : undefined,
    padShape: r.has('pad_shape') ? readShape(r.raw.pad_shape, r.at('pad_shape')) : undefined,
  };
}

/**
 * `config.head.detector` (an mmdet 2.x model dict minus backbone/neck: `rpn_head`, `roi_head`,
 * `test_cfg`, optionally `img_metas` and `rescale`) → {@link FasterRcnnConfig}. Defaults are
 * mmdet's; unsupported types fail with the path that named them.
 */
export function parseFasterRcnnConfig(detector: Record<string, unknown>, path = 'model'): FasterRcnnConfig {
  const root = DictReader.of(detector, path);
  root.type(['FasterRCNN', 'TwoStageDetector', 'MaskRCNN', 'CascadeRCNN', 'HybridTaskCascade'], false);
  const rpn = root.dict('rpn_head');
  rpn.type(['RPNHead']);
  const inChannels = rpn.positiveInt('in_channels');
  const rpnHead: RPNHeadConfig = {
    inChannels,
    featChannels: rpn.positiveInt('feat_channels', 256),
    anchorGenerator: readAnchors(rpn.dict('anchor_generator')),
    bboxCoder: readCoder(rpn, [1, 1, 1, 1]),
  };
  if (rpn.has('num_convs') && rpn.positiveInt('num_convs') !== 1) {
    throw new ConfigError(`${rpn.at('num_convs')} must be 1; only the single rpn_conv RPNHead is supported`, { path: rpn.at('num_convs') });
  }

  const roi = root.dict('roi_head');
  const roiType = roi.type(['StandardRoIHead', 'CascadeRoIHead', 'HybridTaskCascadeRoIHead']);
  const roiExtractor = readRoIExtractor(roi.dict('bbox_roi_extractor'));
  // Cascade heads list one bbox_head per stage; the last one names the classes (see cascade-rcnn-config.ts).
  const bboxHeads = roiType === 'StandardRoIHead' ? [roi.dict('bbox_head')] : roi.list('bbox_head');
  const bboxHead = readBBoxHead(bboxHeads[bboxHeads.length - 1], roiExtractor);

  const test = root.dict('test_cfg');
  const tr = test.dict('rpn');
  const tc = test.dict('rcnn');
  const testCfg: FasterRcnnTestConfig = {
    rpn: {
      nmsPre: tr.int('nms_pre', -1),
      maxPerImg: tr.positiveInt(tr.has('max_per_img') ? 'max_per_img' : 'max_num'),
      iouThreshold: readIou(tr),
      minBboxSize: tr.number('min_bbox_size', 0),
    },
    rcnn: {
      scoreThr: tc.number('score_thr', 0.05),
      iouThreshold: readIou(tc),
      maxPerImg: tc.int('max_per_img', 100),
    },
  };
  const metas = root.raw.img_metas;
  const imgMeta = Array.isArray(metas) && metas.length > 0 ? parseImageMeta(metas[0], root.at('img_metas[0]')) : undefined;
  return { rpnHead, roiExtractor, bboxHead, testCfg, imgMeta, rescale: root.boolean('rescale', true) };
}

/** True when an mmdet detector dict describes a two-stage detector this package runs. */
export function isFasterRcnnDetector(detector: Record<string, unknown> | undefined): detector is Record<string, unknown> {
  return detector !== undefined && detector.rpn_head !== undefined && detector.roi_head !== undefined;
}
