import { ConfigError } from '@hrnetjs/core';
import { type CascadeConfig, parseCascadeConfig } from './cascade-rcnn-config.js';
import { DictReader } from './config-reader.js';
import { readRoIExtractor } from './faster-rcnn-config.js';
import { type MaskBranchConfig, parseMaskBranch } from './mask-rcnn-config.js';
import type { RoIExtractorConfig } from './roi-extractor.js';

/** `roi_head.semantic_head` (mmdet 2.x `FusedSemanticHead`). */
export interface SemanticHeadConfig {
  /** Neck levels it has a lateral conv for (`num_ins`; 5 in mmdet). */
  numIns: number;
  /** The level the others are resized to and summed at (`fusion_level`; 1 = stride 8 in mmdet). */
  fusionLevel: number;
  numConvs: number;
  inChannels: number;
  convOutChannels: number;
  /** Semantic classes of `conv_logits` (183 = COCO-stuff in mmdet; the logits are not used at test time). */
  numClasses: number;
}

/** mmdet 2.x `HybridTaskCascadeRoIHead` settings, test-time semantics. */
export interface HtcConfig {
  cascade: CascadeConfig;
  /** Undefined for an HTC without mask heads. */
  mask?: MaskBranchConfig;
  /** `semantic_roi_extractor` + `semantic_head`, when the model has the semantic branch. */
  semantic?: { extractor: RoIExtractorConfig; head: SemanticHeadConfig };
  /** `semantic_fusion`: which RoI features get the pooled semantic features added (mmdet: both). */
  semanticFusion: { bbox: boolean; mask: boolean };
  /** `interleaved` (training only: the mask branch trains on the refined boxes). */
  interleaved: boolean;
  /** `mask_info_flow`: each mask stage gets the previous one's conv features through its `conv_res`. */
  maskInfoFlow: boolean;
}

function readSemanticHead(r: DictReader): SemanticHeadConfig {
  r.type(['FusedSemanticHead']);
  for (const key of ['conv_cfg', 'norm_cfg']) {
    if (r.has(key)) throw new ConfigError(`${r.at(key)} is not supported (plain convolutions only)`, { path: r.at(key) });
  }
  const cfg: SemanticHeadConfig = {
    numIns: r.positiveInt('num_ins'),
    fusionLevel: r.number('fusion_level', undefined, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer'),
    numConvs: r.number('num_convs', 4, (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer'),
    inChannels: r.positiveInt('in_channels', 256),
    convOutChannels: r.positiveInt('conv_out_channels', 256),
    numClasses: r.positiveInt('num_classes', 183),
  };
  if (cfg.fusionLevel >= cfg.numIns) {
    throw new ConfigError(`${r.at('fusion_level')} (${cfg.fusionLevel}) must be below num_ins (${cfg.numIns})`, { path: r.at('fusion_level') });
  }
  if (cfg.numConvs === 0 && cfg.inChannels !== cfg.convOutChannels) {
    throw new ConfigError(`${r.at('conv_out_channels')} must equal in_channels when num_convs is 0`, { path: r.at('conv_out_channels') });
  }
  return cfg;
}

/**
 * `roi_head` of a `HybridTaskCascade` dict → {@link HtcConfig}: the cascade stages (as
 * {@link parseCascadeConfig}), `HTCMaskHead` / `FCNMaskHead` stages, the semantic branch and the
 * flags, checked against what mmdet 2.x's `simple_test` can run (the message names the path).
 */
export function parseHtcConfig(detector: Record<string, unknown>, path = 'model'): HtcConfig {
  const root = DictReader.of(detector, path);
  root.type(['HybridTaskCascade'], false);
  const roi = root.dict('roi_head');
  roi.type(['HybridTaskCascadeRoIHead']);
  const cascade = parseCascadeConfig(detector, path);
  const maskInfoFlow = roi.boolean('mask_info_flow', true);
  const interleaved = roi.boolean('interleaved', true);
  const fusion = roi.raw.semantic_fusion ?? ['bbox', 'mask'];
  if (!Array.isArray(fusion) || !fusion.every((f) => f === 'bbox' || f === 'mask')) {
    throw new ConfigError(`${roi.at('semantic_fusion')} must list 'bbox' and / or 'mask', got ${JSON.stringify(fusion)}`, { path: roi.at('semantic_fusion') });
  }
  const semanticFusion = { bbox: fusion.includes('bbox'), mask: fusion.includes('mask') };

  const mask = parseMaskBranch(detector, cascade.numStages, path, ['HTCMaskHead', 'FCNMaskHead']);
  if (mask) {
    // simple_test pools the mask RoIs once, with the LAST stage's extractor, for every stage.
    const last = mask.roiExtractors[mask.roiExtractors.length - 1];
    mask.maskHeads.forEach((h, s) => {
      const at = `${roi.at('mask_head')}[${s}]`;
      if (h.roiFeatSize !== last.outputSize || h.inChannels !== last.outChannels) {
        throw new ConfigError(`${at}: every HTC mask stage runs on the last mask RoI extractor's ${last.outputSize}×${last.outputSize}×${last.outChannels} features`, { path: at });
      }
      const isHtc = h.withConvRes !== undefined;
      if (maskInfoFlow && !isHtc) throw new ConfigError(`${at}: mask_info_flow needs HTCMaskHead stages (FCNMaskHead takes no previous features)`, { path: at });
      if (maskInfoFlow && s > 0 && !h.withConvRes) throw new ConfigError(`${at}: mask_info_flow needs with_conv_res in every stage after the first`, { path: at });
      if (maskInfoFlow && h.withConvRes && h.convOutChannels !== h.inChannels) {
        throw new ConfigError(`${at}: conv_res adds conv_out_channels (${h.convOutChannels}) features to the ${h.inChannels}-channel RoI features`, { path: at });
      }
      if (!maskInfoFlow && isHtc) {
        throw new ConfigError(`${at}: HTCMaskHead without mask_info_flow fails in mmdet 2.x's simple_test (it returns [logits, feat]); use FCNMaskHead`, { path: at });
      }
    });
    if (new Set(mask.maskHeads.map((h) => h.roiFeatSize * h.scaleFactor)).size > 1) {
      throw new ConfigError(`${roi.at('mask_head')}: the stages' masks are averaged, so they need one mask size`, { path: roi.at('mask_head') });
    }
  }

  let semantic: HtcConfig['semantic'];
  if (roi.has('semantic_head')) {
    const head = readSemanticHead(roi.dict('semantic_head'));
    const extractor = readRoIExtractor(roi.dict('semantic_roi_extractor'));
    const ext = roi.at('semantic_roi_extractor');
    if (extractor.featmapStrides.length !== 1) {
      throw new ConfigError(`${ext}.featmap_strides must name one stride (the semantic feature map), got ${JSON.stringify(extractor.featmapStrides)}`, { path: ext });
    }
    if (extractor.outChannels !== head.convOutChannels) {
      throw new ConfigError(`${ext}.out_channels (${extractor.outChannels}) must equal semantic_head.conv_out_channels (${head.convOutChannels})`, { path: ext });
    }
    if (semanticFusion.bbox && extractor.outChannels !== cascade.stages[0].inChannels) {
      throw new ConfigError(`${ext}.out_channels (${extractor.outChannels}) must equal the bbox RoI features' channels (${cascade.stages[0].inChannels})`, { path: ext });
    }
    if (semanticFusion.mask && mask) {
      const last = mask.roiExtractors[mask.roiExtractors.length - 1];
      if (extractor.outChannels !== last.outChannels || extractor.outputSize !== last.outputSize) {
        throw new ConfigError(
          `${ext} gives ${extractor.outputSize}×${extractor.outputSize}×${extractor.outChannels} RoI features; mask fusion adds them to ${last.outputSize}×${last.outputSize}×${last.outChannels} mask RoI features`,
          { path: ext },
        );
      }
    }
    semantic = { extractor, head };
  }
  return { cascade, mask, semantic, semanticFusion, interleaved, maskInfoFlow };
}
