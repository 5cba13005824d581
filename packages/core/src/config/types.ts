/** Residual block types of the official code (`blocks_dict`). */
export type BlockType = 'BASIC' | 'BOTTLENECK';

/**
 * One stage of the official yaml (`MODEL.EXTRA.STAGEk`). Stage 1 is `layer1` (one branch,
 * `numBlocks[0]` blocks of `numChannels[0]` planes); stages 2.. are high-resolution modules.
 */
export interface StageConfig {
  numModules: number;
  numBranches: number;
  block: BlockType;
  numBlocks: number[];
  numChannels: number[];
  fuseMethod: 'SUM';
}

/** The official code families: they share the backbone but differ in details. */
export type ModelFamily = 'pose' | 'seg' | 'cls' | 'mmdet';

/**
 * Everything that shapes the HRNet backbone. Families set the defaults (see `familyDefaults`);
 * a custom config may mix them.
 */
export interface BackboneConfig {
  /** layer1. The pose family always uses 4 BOTTLENECK blocks of 64 planes. */
  stage1: StageConfig;
  /** stage2, stage3, stage4 (in this order; stage k+2 is `stages[k]`). */
  stages: StageConfig[];
  /** Fuse-layer upsampling (j > i): nearest ×2^(j−i) (pose/cls/mmdet) or bilinear to size (seg). */
  upsample: 'nearest' | 'bilinear';
  /** Only for bilinear: PyTorch's `align_corners`. */
  alignCorners: boolean;
  /** false → the last module of the last stage fuses into branch 0 only (pose). */
  multiScaleOutput: boolean;
  /**
   * 'standard' BatchNorm2d, or 'inplace-abn' for checkpoints trained with InPlaceABNSync
   * (`*_torch04` seg files): weight is used as |γ| + ε.
   */
  batchNorm: 'standard' | 'inplace-abn';
}

/** Pose head: `final_layer` conv (bias) to one heatmap per joint. */
export interface PoseHeadConfig {
  type: 'pose';
  numJoints: number;
  finalConvKernel: number;
}

/**
 * HRNet-OCR head (seg_hrnet_ocr.py, `MODEL.OCR`): `aux_head` soft object regions, `conv3x3_ocr`,
 * `ocr_gather_head`, `ocr_distri_head` (SpatialOCR_Module) and `cls_head`.
 */
export interface OcrHeadConfig {
  /** `MODEL.OCR.MID_CHANNELS` (512): width of conv3x3_ocr and of the object-context output. */
  midChannels: number;
  /** `MODEL.OCR.KEY_CHANNELS` (256): query / key / value width of ObjectAttentionBlock2D. */
  keyChannels: number;
  /** Dropout2d after SpatialOCR_Module's conv (the model hard-codes 0.05; training only). */
  dropout: number;
}

/**
 * HRNetV2 segmentation head: `last_layer` on the concat of all four branches, or with `ocr` the
 * HRNet-OCR head on that concat (then `finalConvKernel` is unused: aux_head and cls_head are 1×1).
 */
export interface SegHeadConfig {
  type: 'seg';
  numClasses: number;
  finalConvKernel: number;
  /** Present for HRNet-OCR (MODEL.NAME seg_hrnet_ocr): the OCR head replaces `last_layer`. */
  ocr?: OcrHeadConfig;
}

/** ImageNet classification head: incre / downsamp / final_layer / classifier. */
export interface ClsHeadConfig {
  type: 'cls';
  numClasses: number;
}

/** mmdet HRFPN neck (`neck.*` keys). */
export interface HRFPNConfig {
  inChannels: number[];
  outChannels: number;
  numOuts: number;
  poolingType: 'AVG' | 'MAX';
  stride: number;
  /** 'mmdet2' → `reduction_conv.conv` / `fpn_convs.{i}.conv`; 'hrnet-det' → `reduction_conv.0` / `fpn_conv.{i}`. */
  keyStyle: 'mmdet2' | 'hrnet-det';
  shareConv: boolean;
}

/** mmdet detector: backbone under `backbone.`, optional neck under `neck.`. */
export interface MmdetHeadConfig {
  type: 'mmdet';
  neck: HRFPNConfig | null;
  /** The rest of the mmdet model dict (rpn_head, roi_head, test_cfg, …), kept for the detection package. */
  detector?: Record<string, unknown>;
}

/** The task head a model config describes (its `type` names the family's head). */
export type HeadConfig = PoseHeadConfig | SegHeadConfig | ClsHeadConfig | MmdetHeadConfig;

/** Input / preprocessing facts a preset or yaml carries (optional for custom configs). */
export interface InputConfig {
  /** Network input size [width, height] (`MODEL.IMAGE_SIZE`). */
  imageSize?: [number, number];
  /** Heatmap size [width, height] (`MODEL.HEATMAP_SIZE`, pose). */
  heatmapSize?: [number, number];
  mean?: [number, number, number];
  std?: [number, number, number];
}

/** A complete, validated model description: what `createModel` builds. */
export interface ModelConfig {
  /** Preset id or a name from the file, for messages. */
  name: string;
  family: ModelFamily;
  backbone: BackboneConfig;
  head: HeadConfig;
  input: InputConfig;
  /** Test-time settings from the yaml / mmdet config / preset (tasks default what is absent). */
  test?: TestSettings;
  /** The original yaml/json object (for reference; the parsers have read everything into the fields). */
  source?: unknown;
}

/**
 * Test-time settings a config carries (like timm's `pretrained_cfg`): filled by the official yaml
 * parser (`TEST.*`, `DATASET.DATASET`), the mmdet parser (`test_pipeline`) and the presets. Only
 * what the source says is set; each task applies its official defaults for the rest.
 */
export interface TestSettings {
  /** `TEST.FLIP_TEST`: also run the mirrored input and average (pose, seg). */
  flipTest?: boolean;
  /** Pose `TEST.SHIFT_HEATMAP`, `TEST.POST_PROCESS` (quarter offset), `IN_VIS_THRE`, `OKS_THRE`, `IMAGE_THRE`. */
  shiftHeatmap?: boolean;
  postProcess?: boolean;
  inVisThre?: number;
  oksThre?: number;
  imageThre?: number;
  /** Seg `TEST.SCALE_LIST`: multipliers of the base size. */
  scales?: number[];
  /** Seg `TEST.BASE_SIZE`: long side at scale 1. */
  baseSize?: number;
  /** Seg `TEST.IMAGE_SIZE`: crop / sliding-window size [width, height]. */
  cropSize?: [number, number];
  /** `DATASET.DATASET` (lower case): names, palette, flip pairs, multi-scale mode of seg models. */
  dataset?: string;
  /** mmdet test pipeline `Resize`: `img_scale` and `keep_ratio`. */
  imgScale?: [number, number];
  keepRatio?: boolean;
  /** mmdet test pipeline `Pad(size_divisor)`. */
  sizeDivisor?: number;
}
