import { closestMatch } from './closest-match.js';
import { ConfigError } from './config-error.js';
import { familyDefaults } from './family-defaults.js';
import { IMAGENET_MEAN, IMAGENET_STD } from './imagenet.js';
import { OCR_DEFAULTS } from './ocr-head.js';
import { type HRNetVariant, variantStages, variantWidths } from './stage-table.js';
import type { BackboneConfig, InputConfig, MmdetHeadConfig, ModelConfig, ModelFamily } from './types.js';

/** Every preset id, in listing order. */
export const PRESET_IDS = [
  'pose-coco-w32-256x192',
  'pose-coco-w32-384x288',
  'pose-coco-w48-256x192',
  'pose-coco-w48-384x288',
  'pose-mpii-w32-256x256',
  'pose-mpii-w48-256x256',
  'seg-cityscapes-w48',
  'seg-cityscapes-w18-small-v1',
  'seg-cityscapes-w18-small-v2',
  'seg-ade20k-w48',
  'seg-pascal-ctx-w48',
  'seg-lip-w48',
  'seg-ocr-cityscapes-w48',
  'seg-ocr-ade20k-w48',
  'seg-ocr-pascal-ctx-w48',
  'seg-ocr-lip-w48',
  'seg-ocr-cocostuff-w48',
  'cls-w18-small-v1',
  'cls-w18-small-v2',
  'cls-w18',
  'cls-w30',
  'cls-w32',
  'cls-w40',
  'cls-w44',
  'cls-w48',
  'cls-w64',
  'faster-rcnn-w18',
  'faster-rcnn-w32',
  'faster-rcnn-w40',
  'mask-rcnn-w18',
  'mask-rcnn-w32',
  'mask-rcnn-w40',
  'cascade-rcnn-w18',
  'cascade-rcnn-w32',
  'cascade-rcnn-w40',
  'cascade-mask-rcnn-w18',
  'cascade-mask-rcnn-w32',
  'cascade-mask-rcnn-w40',
  'htc-w18',
  'htc-w32',
  'htc-w40',
  'fcos-w18',
  'fcos-w32',
  'fcos-w40',
] as const;

/** A preset id. */
export type PresetId = (typeof PRESET_IDS)[number];

/**
 * A published model as plain data (like timm's pretrained cfgs): architecture, preprocessing, the
 * official config it mirrors and the checkpoint files it expects.
 */
export interface ModelPreset extends ModelConfig {
  id: PresetId;
  /** Same as `id`: a preset is a ready-to-build ModelConfig. */
  name: PresetId;
  description: string;
  /** GitHub repository of the official config (owner/name). */
  officialRepo: string;
  /** Path of the official config file inside `officialRepo`. */
  officialConfig: string;
  /** Official checkpoint file names this preset loads (for messages and lookups). */
  checkpoints: string[];
  /** What a user must know to get the official numbers (BN variant of some files, resize rule …). */
  notes?: string;
}

type PresetRecord = Omit<ModelPreset, 'id' | 'name'>;

const POSE_REPO = 'leoxiaobin/deep-high-resolution-net.pytorch';
const SEG_REPO = 'HRNet/HRNet-Semantic-Segmentation';
const CLS_REPO = 'HRNet/HRNet-Image-Classification';
const MMDET_REPO = 'open-mmlab/mmdetection';

function imagenet(imageSize?: [number, number], heatmapSize?: [number, number]): InputConfig {
  const input: InputConfig = { mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD] };
  if (imageSize) input.imageSize = imageSize;
  if (heatmapSize) input.heatmapSize = heatmapSize;
  return input;
}

/**
 * HRNetV2-W48 + OCR (seg_hrnet_ocr.py, HRNet-OCR branch): every seg_hrnet_ocr yaml leaves
 * MODEL.ALIGN_CORNERS at the branch default True and MODEL.OCR at 512 / 256.
 */
function ocr(
  [dataset, datasetId]: [string, string],
  numClasses: number,
  size: [number, number],
  officialConfig: string,
  checkpoints: string[],
  notes: string,
): PresetRecord {
  return {
    description: `HRNetV2-W48 + OCR semantic segmentation, ${dataset} ${numClasses} classes, ${size.join('×')}`,
    family: 'seg',
    backbone: backbone('w48', 'seg', { alignCorners: true }),
    head: { type: 'seg', numClasses, finalConvKernel: 1, ocr: { ...OCR_DEFAULTS } },
    input: imagenet(size),
    // The OCR yamls' TEST section, as for the HRNetV2 seg presets (base size = the long side of the crop).
    test: { dataset: datasetId, baseSize: Math.max(...size), cropSize: size, scales: [1], flipTest: false },
    officialRepo: SEG_REPO,
    officialConfig: `experiments/${officialConfig}`,
    checkpoints,
    notes: `HRNet-OCR branch; align_corners true; the test uses the cls_head output (TEST.OUTPUT_INDEX −1). ${notes}`,
  };
}

const TORCH04 =
  "_torch04 = trained with InPlaceABNSync: load it with batchNorm 'inplace-abn' (the preset keeps standard BN so its keys equal the official state_dict).";

function backbone(
  variant: HRNetVariant,
  family: ModelFamily,
  bn: { alignCorners?: boolean; batchNorm?: BackboneConfig['batchNorm'] } = {},
): BackboneConfig {
  const { stage1, stages } = variantStages(variant);
  const d = familyDefaults(family, bn);
  return {
    stage1: d.stage1 ?? stage1,
    stages,
    upsample: d.upsample,
    alignCorners: d.alignCorners,
    multiScaleOutput: d.multiScaleOutput,
    batchNorm: d.batchNorm,
  };
}

function pose(
  variant: 'w32' | 'w48',
  dataset: 'coco' | 'mpii',
  [w, h]: [number, number],
): PresetRecord {
  const joints = dataset === 'coco' ? 17 : 16;
  return {
    description: `HRNet-${variant.toUpperCase()} top-down pose, ${dataset.toUpperCase()} ${joints} keypoints, input ${w}×${h} (w×h), heatmaps ${w / 4}×${h / 4}`,
    family: 'pose',
    backbone: backbone(variant, 'pose'),
    head: { type: 'pose', numJoints: joints, finalConvKernel: 1 },
    input: imagenet([w, h], [w / 4, h / 4]),
    // TEST section of the official yamls (identical in all of them).
    test: { flipTest: true, shiftHeatmap: true, postProcess: true, inVisThre: 0.2, oksThre: 0.9, imageThre: 0.0 },
    officialRepo: POSE_REPO,
    officialConfig: `experiments/${dataset}/hrnet/${variant}_${h}x${w}_adam_lr1e-3.yaml`,
    checkpoints: [`pose_hrnet_${variant}_${h}x${w}.pth`],
    notes: `Checkpoint from the pose_${dataset}/ folder of the official model zoo (plain state_dict).`,
  };
}

function cls(variant: HRNetVariant, configName: string, checkpoints: string[]): PresetRecord {
  return {
    description: `HRNet-${variant.toUpperCase()}-C ImageNet classifier (1000 classes, 224×224)`,
    family: 'cls',
    backbone: backbone(variant, 'cls'),
    head: { type: 'cls', numClasses: 1000 },
    input: imagenet([224, 224]),
    officialRepo: CLS_REPO,
    officialConfig: `experiments/cls_hrnet_${configName}_sgd_lr5e-2_wd1e-4_bs32_x100.yaml`,
    checkpoints,
    notes: 'Evaluation transform: resize the short side to 256, center-crop 224.',
  };
}

/**
 * mmdet 2.x `faster_rcnn_r50_fpn` heads and test settings as used by the HRNet configs;
 * training-only entries (losses, assigners, samplers) are left out.
 */
function fasterRcnnDetector(): Record<string, unknown> {
  const coder = (stds: number[]) => ({ type: 'DeltaXYWHBBoxCoder', target_means: [0, 0, 0, 0], target_stds: stds });
  return {
    type: 'FasterRCNN',
    rpn_head: {
      type: 'RPNHead',
      in_channels: 256,
      feat_channels: 256,
      anchor_generator: { type: 'AnchorGenerator', scales: [8], ratios: [0.5, 1.0, 2.0], strides: [4, 8, 16, 32, 64] },
      bbox_coder: coder([1, 1, 1, 1]),
    },
    roi_head: {
      type: 'StandardRoIHead',
      bbox_roi_extractor: {
        type: 'SingleRoIExtractor',
        roi_layer: { type: 'RoIAlign', output_size: 7, sampling_ratio: 0, aligned: true },
        out_channels: 256,
        featmap_strides: [4, 8, 16, 32],
      },
      bbox_head: {
        type: 'Shared2FCBBoxHead',
        in_channels: 256,
        fc_out_channels: 1024,
        roi_feat_size: 7,
        num_classes: 80,
        bbox_coder: coder([0.1, 0.1, 0.2, 0.2]),
        reg_class_agnostic: false,
      },
    },
    test_cfg: {
      rpn: { nms_pre: 1000, max_per_img: 1000, nms: { type: 'nms', iou_threshold: 0.7 }, min_bbox_size: 0 },
      rcnn: { score_thr: 0.05, nms: { type: 'nms', iou_threshold: 0.5 }, max_per_img: 100 },
    },
  };
}

/** `mask_roi_extractor` + `FCNMaskHead` of mmdet 2.x `mask_rcnn_r50_fpn` / `cascade_mask_rcnn_r50_fpn`. */
function maskBranch(): Record<string, unknown> {
  return {
    mask_roi_extractor: {
      type: 'SingleRoIExtractor',
      roi_layer: { type: 'RoIAlign', output_size: 14, sampling_ratio: 0, aligned: true },
      out_channels: 256,
      featmap_strides: [4, 8, 16, 32],
    },
    mask_head: { type: 'FCNMaskHead', num_convs: 4, in_channels: 256, conv_out_channels: 256, num_classes: 80 },
  };
}

type TwoStageModel = 'faster_rcnn' | 'mask_rcnn' | 'cascade_rcnn' | 'cascade_mask_rcnn' | 'htc';

/**
 * The mmdet 2.x detector dict of each HRNet model-zoo family: Faster R-CNN's, plus the mask branch
 * (`mask_thr_binary` 0.5), or the three-stage `CascadeRoIHead` (class-agnostic stages with target
 * stds 0.1/0.2, 0.05/0.1, 0.033/0.067, stage loss weights [1, 0.5, 0.25]).
 */
function twoStageDetector(kind: TwoStageModel): Record<string, unknown> {
  if (kind === 'htc') return htcDetector();
  const d = fasterRcnnDetector();
  const roi = d.roi_head as Record<string, unknown>;
  const rcnn = (d.test_cfg as Record<string, Record<string, unknown>>).rcnn;
  if (kind.startsWith('cascade')) {
    const bh = roi.bbox_head as Record<string, unknown>;
    const stds = [
      [0.1, 0.1, 0.2, 0.2],
      [0.05, 0.05, 0.1, 0.1],
      [0.033, 0.033, 0.067, 0.067],
    ];
    roi.type = 'CascadeRoIHead';
    roi.num_stages = 3;
    roi.stage_loss_weights = [1, 0.5, 0.25];
    roi.bbox_head = stds.map((s) => ({ ...bh, reg_class_agnostic: true, bbox_coder: { type: 'DeltaXYWHBBoxCoder', target_means: [0, 0, 0, 0], target_stds: s } }));
  }
  if (kind.endsWith('mask_rcnn')) {
    Object.assign(roi, maskBranch());
    rcnn.mask_thr_binary = 0.5;
  }
  d.type = kind === 'faster_rcnn' ? 'FasterRCNN' : kind === 'mask_rcnn' ? 'MaskRCNN' : 'CascadeRCNN';
  return d;
}

/**
 * mmdet 2.x `htc_r50_fpn_1x_coco`'s heads (what `configs/hrnet/htc_hrnetv2p_*` inherit): Cascade Mask
 * R-CNN's three stages with `HTCMaskHead`s (the first without `conv_res`), `interleaved` and
 * `mask_info_flow`, the `FusedSemanticHead` (5 levels fused at level 1, 4 convs, 183 COCO-stuff
 * classes) and its 14×14 RoI extractor on the stride-8 semantic feature; test `score_thr` 0.001.
 */
function htcDetector(): Record<string, unknown> {
  const d = twoStageDetector('cascade_mask_rcnn');
  const roi = d.roi_head as Record<string, unknown>;
  const mask = roi.mask_head as Record<string, unknown>;
  Object.assign(roi, {
    type: 'HybridTaskCascadeRoIHead',
    interleaved: true,
    mask_info_flow: true,
    mask_head: [0, 1, 2].map((i) => ({ ...mask, type: 'HTCMaskHead', ...(i === 0 ? { with_conv_res: false } : {}) })),
    semantic_roi_extractor: {
      type: 'SingleRoIExtractor',
      roi_layer: { type: 'RoIAlign', output_size: 14, sampling_ratio: 0, aligned: true },
      out_channels: 256,
      featmap_strides: [8],
    },
    semantic_head: { type: 'FusedSemanticHead', num_ins: 5, fusion_level: 1, num_convs: 4, in_channels: 256, conv_out_channels: 256, num_classes: 183 },
  });
  (d.test_cfg as Record<string, Record<string, unknown>>).rcnn.score_thr = 0.001;
  d.type = 'HybridTaskCascade';
  return d;
}

function twoStage(kind: TwoStageModel, variant: 'w18' | 'w32' | 'w40', checkpoints: string[]): PresetRecord {
  const names: Record<TwoStageModel, string> = {
    faster_rcnn: 'Faster R-CNN',
    mask_rcnn: 'Mask R-CNN (boxes + instance masks)',
    cascade_rcnn: 'Cascade R-CNN (3 stages)',
    cascade_mask_rcnn: 'Cascade Mask R-CNN (3 stages, boxes + instance masks)',
    htc: 'Hybrid Task Cascade (3 stages, semantic branch, mask information flow; boxes + instance masks)',
  };
  const schedule = kind === 'faster_rcnn' || kind === 'mask_rcnn' ? '1x' : '20e';
  const base = fasterRcnn(variant, checkpoints);
  return {
    ...base,
    description: `${names[kind]} with HRNetV2p-${variant.toUpperCase()} + HRFPN (mmdetection 2.x), COCO 80 classes`,
    head: { ...(base.head as MmdetHeadConfig), detector: twoStageDetector(kind) },
    officialConfig: `configs/hrnet/${kind}_hrnetv2p_${variant}_${schedule}_coco.py`,
  };
}

function fasterRcnn(variant: 'w18' | 'w32' | 'w40', checkpoints: string[]): PresetRecord {
  return {
    description: `Faster R-CNN with HRNetV2p-${variant.toUpperCase()} + HRFPN (mmdetection 2.x), COCO 80 classes`,
    family: 'mmdet',
    backbone: backbone(variant, 'mmdet'),
    head: {
      type: 'mmdet',
      neck: {
        inChannels: variantWidths(variant),
        outChannels: 256,
        numOuts: 5,
        poolingType: 'AVG',
        stride: 1,
        keyStyle: 'mmdet2',
        shareConv: false,
      },
      detector: fasterRcnnDetector(),
    },
    input: imagenet([1333, 800]),
    // test_pipeline of mmdet's coco_detection.py: Resize (1333, 800) keep_ratio, Pad size_divisor 32.
    test: { imgScale: [1333, 800], keepRatio: true, sizeDivisor: 32 },
    officialRepo: MMDET_REPO,
    officialConfig: `configs/hrnet/faster_rcnn_hrnetv2p_${variant}_1x_coco.py`,
    checkpoints,
    notes:
      'imageSize is the keep-ratio resize target (img_scale 1333×800), then pad to a multiple of 32. ' +
      'Checkpoints are {meta, state_dict} from download.openmmlab.com/mmdetection/v2.0/hrnet/.',
  };
}

/**
 * mmdet 2.x `FCOSHead` and test settings of configs/hrnet/fcos_hrnetv2p_* (their base is
 * fcos_r50_caffe_fpn_gn-head: GN(32) towers of 4 convs, strides 8..128, test_cfg nms_pre 1000,
 * score_thr 0.05, NMS 0.5, 100 per image); training-only entries (losses, assigner) are left out.
 */
function fcosDetector(): Record<string, unknown> {
  return {
    type: 'FCOS',
    bbox_head: {
      type: 'FCOSHead',
      num_classes: 80,
      in_channels: 256,
      stacked_convs: 4,
      feat_channels: 256,
      strides: [8, 16, 32, 64, 128],
      norm_cfg: { type: 'GN', num_groups: 32, requires_grad: true },
    },
    test_cfg: { nms_pre: 1000, min_bbox_size: 0, score_thr: 0.05, nms: { type: 'nms', iou_threshold: 0.5 }, max_per_img: 100 },
  };
}

/** FCOS on HRNetV2p + HRFPN with stride-2 fpn convs (levels at strides 8..128), as configs/hrnet/fcos_hrnetv2p_*. */
function fcos(variant: 'w18' | 'w32' | 'w40', checkpoints: string[]): PresetRecord {
  const base = fasterRcnn(variant, checkpoints);
  const head = base.head as MmdetHeadConfig;
  return {
    ...base,
    description: `FCOS (one-stage, GN head) with HRNetV2p-${variant.toUpperCase()} + HRFPN (mmdetection 2.x), COCO 80 classes`,
    head: { ...head, neck: head.neck ? { ...head.neck, stride: 2 } : null, detector: fcosDetector() },
    officialConfig:
      variant === 'w40' ? 'configs/hrnet/fcos_hrnetv2p_w40_gn-head_mstrain_640-800_4x4_2x_coco.py' : `configs/hrnet/fcos_hrnetv2p_${variant}_gn-head_4x4_1x_coco.py`,
    notes:
      'The network takes BGR input: img_norm_cfg mean [103.53, 116.28, 123.675], std [57.375, 57.12, 58.395], to_rgb False ' +
      '(the RGB statistics of `input`, in BGR order; @hrnetjs/detection-head feeds FCOS that way). Test: Resize 1333×800 keep-ratio, ' +
      'pad to 32. The 1x, 2x and mstrain_640-800 2x checkpoints share the architecture. Checkpoints are {meta, state_dict} from ' +
      'download.openmmlab.com/mmdetection/v2.0/hrnet/.',
  };
}

const RECORDS: Record<PresetId, PresetRecord> = {
  'pose-coco-w32-256x192': pose('w32', 'coco', [192, 256]),
  'pose-coco-w32-384x288': pose('w32', 'coco', [288, 384]),
  'pose-coco-w48-256x192': pose('w48', 'coco', [192, 256]),
  'pose-coco-w48-384x288': pose('w48', 'coco', [288, 384]),
  'pose-mpii-w32-256x256': pose('w32', 'mpii', [256, 256]),
  'pose-mpii-w48-256x256': pose('w48', 'mpii', [256, 256]),

  'seg-cityscapes-w48': {
    description: 'HRNetV2-W48 semantic segmentation, Cityscapes 19 classes, whole-image test at 2048×1024',
    family: 'seg',
    backbone: backbone('w48', 'seg'),
    head: { type: 'seg', numClasses: 19, finalConvKernel: 1 },
    input: imagenet([2048, 1024]),
    test: { dataset: 'cityscapes', baseSize: 2048, cropSize: [2048, 1024], scales: [1], flipTest: false },
    officialRepo: SEG_REPO,
    officialConfig: 'experiments/cityscapes/seg_hrnet_w48_train_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484.yaml',
    checkpoints: ['hrnet_w48_cityscapes_cls19_1024x2048_trainset.pth', 'hrnet_cs_8090_torch11.pth'],
    notes:
      "align_corners false (pytorch-v1.1 / the OCR branch's seg_hrnet_w48_train yaml). hrnet_cs_8090_torch11.pth is " +
      "standard BN; a copy of the trainset file produced by the PyTorch 0.4.1 master branch is InPlaceABN — use batchNorm 'inplace-abn' for it.",
  },
  'seg-cityscapes-w18-small-v1': {
    description: 'HRNetV2-W18-Small-v1 semantic segmentation, Cityscapes 19 classes, 2048×1024',
    family: 'seg',
    backbone: backbone('w18-small-v1', 'seg'),
    head: { type: 'seg', numClasses: 19, finalConvKernel: 1 },
    input: imagenet([2048, 1024]),
    test: { dataset: 'cityscapes', baseSize: 2048, cropSize: [2048, 1024], scales: [1], flipTest: false },
    officialRepo: SEG_REPO,
    officialConfig: 'experiments/cityscapes/seg_hrnet_w18_small_v1_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484.yaml',
    // File name as used in scripts around the repo (README links are OneDrive only).
    checkpoints: ['hrnet_w18_small_v1_cityscapes_cls19_1024x2048_trainset.pth'],
    notes: 'Built on the pytorch-v1.1 branch: standard BN, align_corners false.',
  },
  'seg-cityscapes-w18-small-v2': {
    description: 'HRNetV2-W18-Small-v2 semantic segmentation, Cityscapes 19 classes, 2048×1024',
    family: 'seg',
    backbone: backbone('w18-small-v2', 'seg'),
    head: { type: 'seg', numClasses: 19, finalConvKernel: 1 },
    input: imagenet([2048, 1024]),
    test: { dataset: 'cityscapes', baseSize: 2048, cropSize: [2048, 1024], scales: [1], flipTest: false },
    officialRepo: SEG_REPO,
    officialConfig: 'experiments/cityscapes/seg_hrnet_w18_small_v2_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484.yaml',
    // Name inferred from the v1 file's naming (README links are OneDrive only).
    checkpoints: ['hrnet_w18_small_v2_cityscapes_cls19_1024x2048_trainset.pth'],
    notes: 'Built on the pytorch-v1.1 branch: standard BN, align_corners false.',
  },
  'seg-ade20k-w48': {
    description: 'HRNetV2-W48 semantic segmentation, ADE20K 150 classes, 520×520 (HRNet-OCR branch release)',
    family: 'seg',
    backbone: backbone('w48', 'seg', { alignCorners: true }),
    head: { type: 'seg', numClasses: 150, finalConvKernel: 1 },
    input: imagenet([520, 520]),
    test: { dataset: 'ade20k', baseSize: 520, cropSize: [520, 520], scales: [1], flipTest: false },
    officialRepo: SEG_REPO,
    officialConfig: 'experiments/ade20k/seg_hrnet_w48_520x520_sgd_lr2e-2_wd1e-4_bs_16_epoch120.yaml',
    checkpoints: ['hrnet_ade20k_4312_torch04.pth'],
    notes:
      'align_corners TRUE: the HRNet-OCR ade20k yaml leaves MODEL.ALIGN_CORNERS at its default. ' +
      "_torch04 = trained with InPlaceABNSync: load it with batchNorm 'inplace-abn' (|γ|+ε scale, no num_batches_tracked); the preset keeps " +
      'the standard BN of the current code so its keys equal the official state_dict. Test: resize short side to 520, pad to /8.',
  },
  'seg-pascal-ctx-w48': {
    description: 'HRNetV2-W48 semantic segmentation, PASCAL-Context 59 classes, 520×520',
    family: 'seg',
    backbone: backbone('w48', 'seg'),
    head: { type: 'seg', numClasses: 59, finalConvKernel: 1 },
    input: imagenet([520, 520]),
    test: { dataset: 'pascal_ctx', baseSize: 520, cropSize: [520, 520], scales: [1], flipTest: false },
    officialRepo: SEG_REPO,
    officialConfig: 'experiments/pascal_ctx/seg_hrnet_w48_cls59_520x520_sgd_lr1e-3_wd1e-4_bs_16_epoch200.yaml',
    checkpoints: ['hrnet_pascal_ctx_5410_torch11.pth', 'hrnet_w48_pascal_context_cls59_480x480.pth'],
    notes:
      'align_corners false (set in the yaml). hrnet_pascal_ctx_5410_torch11.pth is standard BN; the master-branch ' +
      "hrnet_w48_pascal_context_cls59_480x480.pth is InPlaceABN (batchNorm 'inplace-abn') and was tested at 480×480.",
  },
  'seg-lip-w48': {
    description: 'HRNetV2-W48 human parsing, LIP 20 classes, 473×473',
    family: 'seg',
    backbone: backbone('w48', 'seg'),
    head: { type: 'seg', numClasses: 20, finalConvKernel: 1 },
    input: imagenet([473, 473]),
    test: { dataset: 'lip', baseSize: 473, cropSize: [473, 473], scales: [1], flipTest: false },
    officialRepo: SEG_REPO,
    officialConfig: 'experiments/lip/seg_hrnet_w48_473x473_sgd_lr7e-3_wd5e-4_bs_40_epoch150.yaml',
    checkpoints: ['hrnet_lip_5583_torch04.pth', 'hrnet_w48_lip_cls20_473x473.pth'],
    notes:
      "align_corners false. Both files were trained with PyTorch 0.4.1 (InPlaceABNSync): load them with batchNorm 'inplace-abn'. " +
      'Test: resize to 473×473 ignoring aspect; flip test swaps channels 14↔15, 16↔17, 18↔19.',
  },

  'seg-ocr-cityscapes-w48': ocr(
    ['Cityscapes', 'cityscapes'],
    19,
    [2048, 1024],
    'cityscapes/seg_hrnet_ocr_w48_train_512x1024_sgd_lr1e-2_wd5e-4_bs_12_epoch484.yaml',
    ['hrnet_ocr_cs_8162_torch11.pth', 'hrnet_ocr_cs_trainval_8227_torch11.pth', 'hrnet_ocr_trainval_cs_8227_torch11.pth'],
    'Whole-image test at 2048×1024 (windows above scale 1).',
  ),
  'seg-ocr-ade20k-w48': ocr(
    ['ADE20K', 'ade20k'],
    150,
    [520, 520],
    'ade20k/seg_hrnet_ocr_w48_520x520_ohem_sgd_lr2e-2_wd1e-4_bs_16_epoch120.yaml',
    ['hrnet_ocr_ade20k_4451_torch04.pth'],
    `Test: resize short side to 520, pad to /8. ${TORCH04}`,
  ),
  'seg-ocr-pascal-ctx-w48': ocr(
    ['PASCAL-Context', 'pascal_ctx'],
    59,
    [520, 520],
    'pascal_ctx/seg_hrnet_ocr_w48_cls59_520x520_sgd_lr1e-3_wd1e-4_bs_16_epoch200.yaml',
    ['hrnet_ocr_pascal_ctx_5618_torch11.pth'],
    'Test: resize short side to 520, pad to /8, padding cropped off the prediction.',
  ),
  'seg-ocr-lip-w48': ocr(
    ['LIP', 'lip'],
    20,
    [473, 473],
    'lip/seg_hrnet_ocr_w48_473x473_sgd_lr7e-3_wd5e-4_bs_40_epoch150.yaml',
    ['hrnet_ocr_lip_5648_torch04.pth'],
    `Test: resize to 473×473 ignoring aspect; flip test swaps channels 14↔15, 16↔17, 18↔19. ${TORCH04}`,
  ),
  'seg-ocr-cocostuff-w48': ocr(
    ['COCO-Stuff', 'cocostuff'],
    171,
    [520, 520],
    'cocostuff/seg_hrnet_ocr_w48_520x520_ohem_sgd_lr1e-3_wd1e-4_bs_16_epoch110.yaml',
    ['hrnet_ocr_cocostuff_3965_torch04.pth'],
    `Test: resize short side to 520, pad to /8, padding cropped off the prediction. ${TORCH04}`,
  ),

  'cls-w18-small-v1': cls('w18-small-v1', 'w18_small_v1', ['hrnet_w18_small_model_v1.pth']),
  'cls-w18-small-v2': cls('w18-small-v2', 'w18_small_v2', ['hrnet_w18_small_model_v2.pth']),
  'cls-w18': cls('w18', 'w18', [
    'hrnetv2_w18_imagenet_pretrained.pth',
    'HRNet_W18_C_cosinelr_cutmix_300epoch.pth.tar',
    'hrnetv2_w18-00eb2006.pth',
  ]),
  // W30/W44/W64 file names follow the W18 naming of the CLS README (its links are OneDrive only).
  'cls-w30': cls('w30', 'w30', ['hrnetv2_w30_imagenet_pretrained.pth']),
  'cls-w32': cls('w32', 'w32', [
    'hrnetv2_w32_imagenet_pretrained.pth',
    'hrnetv2_w32-dc9eeb4f.pth',
    'hrnet_w32-36af842e.pth',
  ]),
  'cls-w40': cls('w40', 'w40', ['hrnetv2_w40_imagenet_pretrained.pth', 'hrnetv2_w40-ed0b031c.pth']),
  'cls-w44': cls('w44', 'w44', ['hrnetv2_w44_imagenet_pretrained.pth']),
  'cls-w48': cls('w48', 'w48', [
    'hrnetv2_w48_imagenet_pretrained.pth',
    'HRNet_W48_C_cosinelr_cutmix_300epoch.pth.tar',
    'hrnetv2_w48-d2186c55.pth',
    'hrnet_w48-8ef0771d.pth',
  ]),
  'cls-w64': cls('w64', 'w64', ['hrnetv2_w64_imagenet_pretrained.pth']),

  'faster-rcnn-w18': fasterRcnn('w18', [
    'faster_rcnn_hrnetv2p_w18_1x_coco_20200130-56651a6d.pth',
    'faster_rcnn_hrnetv2p_w18_2x_coco_20200702_085731-a4ec0611.pth',
  ]),
  'faster-rcnn-w32': fasterRcnn('w32', [
    'faster_rcnn_hrnetv2p_w32_1x_coco_20200130-6e286425.pth',
    'faster_rcnn_hrnetv2p_w32_2x_coco_20200529_015927-976a9c15.pth',
  ]),
  'faster-rcnn-w40': fasterRcnn('w40', [
    'faster_rcnn_hrnetv2p_w40_1x_coco_20200210-95c1f5ce.pth',
    'faster_rcnn_hrnetv2p_w40_2x_coco_20200512_161033-0f236ef4.pth',
  ]),
  'mask-rcnn-w18': twoStage('mask_rcnn', 'w18', [
    'mask_rcnn_hrnetv2p_w18_1x_coco_20200205-1c3d78ed.pth',
    'mask_rcnn_hrnetv2p_w18_2x_coco_20200212-b3c825b1.pth',
  ]),
  'mask-rcnn-w32': twoStage('mask_rcnn', 'w32', [
    'mask_rcnn_hrnetv2p_w32_1x_coco_20200207-b29f616e.pth',
    'mask_rcnn_hrnetv2p_w32_2x_coco_20200213-45b75b4d.pth',
  ]),
  'mask-rcnn-w40': twoStage('mask_rcnn', 'w40', [
    'mask_rcnn_hrnetv2p_w40_1x_coco_20200511_015646-66738b35.pth',
    'mask_rcnn_hrnetv2p_w40_2x_coco_20200512_163732-aed5e4ab.pth',
  ]),
  'cascade-rcnn-w18': twoStage('cascade_rcnn', 'w18', ['cascade_rcnn_hrnetv2p_w18_20e_coco_20200210-434be9d7.pth']),
  'cascade-rcnn-w32': twoStage('cascade_rcnn', 'w32', ['cascade_rcnn_hrnetv2p_w32_20e_coco_20200208-928455a4.pth']),
  'cascade-rcnn-w40': twoStage('cascade_rcnn', 'w40', ['cascade_rcnn_hrnetv2p_w40_20e_coco_20200512_161112-75e47b04.pth']),
  'cascade-mask-rcnn-w18': twoStage('cascade_mask_rcnn', 'w18', ['cascade_mask_rcnn_hrnetv2p_w18_20e_coco_20200210-b543cd2b.pth']),
  'cascade-mask-rcnn-w32': twoStage('cascade_mask_rcnn', 'w32', ['cascade_mask_rcnn_hrnetv2p_w32_20e_coco_20200512_154043-39d9cf7b.pth']),
  'cascade-mask-rcnn-w40': twoStage('cascade_mask_rcnn', 'w40', ['cascade_mask_rcnn_hrnetv2p_w40_20e_coco_20200527_204922-969c4610.pth']),
  'htc-w18': twoStage('htc', 'w18', ['htc_hrnetv2p_w18_20e_coco_20200210-b266988c.pth']),
  'htc-w32': twoStage('htc', 'w32', ['htc_hrnetv2p_w32_20e_coco_20200207-7639fa12.pth']),
  // htc_hrnetv2p_w40_28e_coco is the same network on a longer schedule (no published weights).
  'htc-w40': twoStage('htc', 'w40', ['htc_hrnetv2p_w40_20e_coco_20200529_183411-417c4d5b.pth']),
  'fcos-w18': fcos('w18', [
    'fcos_hrnetv2p_w18_gn-head_4x4_1x_coco_20201212_100710-4ad151de.pth',
    'fcos_hrnetv2p_w18_gn-head_4x4_2x_coco_20201212_101110-5c575fa5.pth',
    'fcos_hrnetv2p_w18_gn-head_mstrain_640-800_4x4_2x_coco_20201212_111651-441e9d9f.pth',
  ]),
  'fcos-w32': fcos('w32', [
    'fcos_hrnetv2p_w32_gn-head_4x4_1x_coco_20201211_134730-cb8055c0.pth',
    'fcos_hrnetv2p_w32_gn-head_4x4_2x_coco_20201212_112133-77b6b9bb.pth',
    'fcos_hrnetv2p_w32_gn-head_mstrain_640-800_4x4_2x_coco_20201212_090846-b6f2b49f.pth',
  ]),
  'fcos-w40': fcos('w40', ['fcos_hrnetv2p_w40_gn-head_mstrain_640-800_4x4_2x_coco_20201212_124752-f22d2ce5.pth']),
};

/** Canonical spelling of a user-typed id: case and `_` vs `-` do not matter. */
function normaliseId(id: string): string {
  return id.trim().toLowerCase().replace(/_/g, '-');
}

/** True when `id` names a preset (ignoring case and `_`/`-`). */
export function isPresetId(id: string): boolean {
  return (PRESET_IDS as readonly string[]).includes(normaliseId(id));
}

/**
 * The preset record for `id` (a fresh copy: callers may edit it). Unknown ids throw a
 * {@link ConfigError} naming the closest id and listing all valid ones.
 */
export function getPreset(id: string): ModelPreset {
  const key = normaliseId(String(id));
  if (!(PRESET_IDS as readonly string[]).includes(key)) {
    const hint = closestMatch(key, PRESET_IDS);
    throw new ConfigError(`unknown preset '${id}'; did you mean '${hint}'? Valid presets: ${PRESET_IDS.join(', ')}`);
  }
  const presetId = key as PresetId;
  return { id: presetId, name: presetId, ...structuredClone(RECORDS[presetId]) };
}

/** All presets, in {@link PRESET_IDS} order (fresh copies). */
export function listPresets(): ModelPreset[] {
  return PRESET_IDS.map((id) => getPreset(id));
}

/** The ModelConfig a preset describes (named after the preset id). */
export function presetToModelConfig(preset: ModelPreset): ModelConfig {
  const { id, family, backbone: b, head, input, test } = structuredClone(preset);
  return test === undefined ? { name: id, family, backbone: b, head, input } : { name: id, family, backbone: b, head, input, test };
}
