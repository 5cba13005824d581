import * as tf from '@tensorflow/tfjs-core';
import { featureOutputs, type ModelConfig, type OcrHeadConfig, type OnnxOutput, TaskModel } from '@hrnetjs/core';
import { Conv2d, ConvBn, HRNetBackbone, type Intermediates, type OnnxGraph, resizeBilinearLikeOnnx, resizeBilinearLikeTorch } from '@hrnetjs/core/ops';
import { SegLastLayer } from '../seg-model.js';
import { SpatialOCRModule } from './object-attention.js';
import { SpatialGatherModule } from './spatial-gather.js';

/**
 * HRNet-OCR (seg_hrnet_ocr.py's HighResolutionNet): the seg backbone, its four branches upsampled
 * to branch 0 and concatenated (15C), then
 * - `aux_head` (1×1 conv + BN + ReLU + 1×1 conv): the soft object regions, output `aux`;
 * - `conv3x3_ocr` (3×3 conv with bias + BN + ReLU) to `MODEL.OCR.MID_CHANNELS`;
 * - `ocr_gather_head` (SpatialGather_Module) and `ocr_distri_head` (SpatialOCR_Module);
 * - `cls_head` (1×1 conv with bias): the OCR output `logits`, the one the official test uses
 *   (`TEST.OUTPUT_INDEX` −1 of [aux, main]).
 * Both outputs are NHWC [N, H/4, W/4, classes]. State-dict keys equal the official ones.
 * `toOnnx()` exports the same outputs (BN folded, batch / H / W dynamic).
 */
export class OcrSegModel extends TaskModel {
  /** The seg backbone (bilinear fusion), keys at the top level. */
  readonly backbone: HRNetBackbone;
  /** MID / KEY channels and dropout of this head. */
  readonly ocr: OcrHeadConfig;
  /** `conv3x3_ocr`: 3×3 conv (bias) + BN + ReLU, 15C → MID. */
  readonly conv3x3Ocr: ConvBn;
  /** `ocr_gather_head`: soft object regions → one context vector per class. */
  readonly ocrGatherHead: SpatialGatherModule;
  /** `ocr_distri_head`: object context back to every pixel. */
  readonly ocrDistriHead: SpatialOCRModule;
  /** `cls_head`: 1×1 conv (bias) MID → classes, the output the official test uses. */
  readonly clsHead: Conv2d;
  /** `aux_head`: 1×1 conv + BN + ReLU + 1×1 conv, 15C → classes (soft object regions, aux loss). */
  readonly auxHead: SegLastLayer;

  constructor(config: ModelConfig) {
    super(config);
    const head = config.head;
    if (head.type !== 'seg' || !head.ocr) {
      throw new Error(`OcrSegModel needs a seg head config with 'ocr' (MODEL.NAME seg_hrnet_ocr), got '${head.type}'${head.type === 'seg' ? ' without ocr' : ''}`);
    }
    this.ocr = head.ocr;
    const bn = config.backbone.batchNorm;
    const { midChannels, keyChannels, dropout } = head.ocr;
    this.backbone = this.child('', new HRNetBackbone(config.backbone));
    const channels = this.backbone.outChannels.reduce((a, b) => a + b, 0);
    // Registration order = the official __init__ order, so the state dict lists keys like PyTorch.
    this.conv3x3Ocr = this.child('conv3x3_ocr', new ConvBn(channels, midChannels, { kernelSize: 3, bias: true, relu: true, batchNorm: bn }));
    this.ocrGatherHead = this.child('ocr_gather_head', new SpatialGatherModule(head.numClasses));
    this.ocrDistriHead = this.child('ocr_distri_head', new SpatialOCRModule(midChannels, keyChannels, midChannels, dropout, bn));
    this.clsHead = this.child('cls_head', new Conv2d(midChannels, head.numClasses, 1, { bias: true }));
    this.auxHead = this.child('aux_head', new SegLastLayer(channels, head.numClasses, 1, bn));
  }

  /**
   * Which output the official test takes from [aux, main]: `TEST.OUTPUT_INDEX` of the yaml (Python
   * indexing; default −1 = main, the OCR output); 'aux' for 0 / −2.
   */
  get testOutput(): 'aux' | 'logits' {
    const source = this.config.source as { TEST?: { OUTPUT_INDEX?: unknown } } | undefined;
    const index = source?.TEST?.OUTPUT_INDEX ?? -1;
    if (index === -1 || index === 1) return 'logits';
    if (index === 0 || index === -2) return 'aux';
    throw new Error(`TEST.OUTPUT_INDEX must index the two outputs [aux, main] (0, 1, −1 or −2), got ${JSON.stringify(index)}`);
  }

  /** The output the official test uses (`TEST.OUTPUT_INDEX`, default the OCR logits) [N, H/4, W/4, classes]. */
  predict(x: tf.Tensor4D): tf.Tensor4D {
    const which = this.testOutput;
    return tf.tidy(() => {
      const outputs = this.forwardNamed(x);
      return outputs[which] as tf.Tensor4D;
    });
  }

  /** Both outputs in the official order [aux, main]; the caller owns them. */
  predictAll(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
    const { aux, logits } = this.forwardNamed(x);
    return [aux as tf.Tensor4D, logits as tf.Tensor4D];
  }

  protected computeOutputs(x: tf.Tensor4D, intermediates: boolean): Record<string, tf.Tensor> {
    const named: Intermediates = {};
    const branches = this.backbone.forward(x, intermediates ? named : undefined);
    const [, height, width] = branches[0].shape;
    const alignCorners = this.config.backbone.alignCorners;
    const feats = tf.concat(branches.map((t) => resizeBilinearLikeTorch(t, height, width, alignCorners)), 3);
    const aux = this.auxHead.forward(feats);
    const mid = this.conv3x3Ocr.forward(feats);
    const context = this.ocrGatherHead.forward(mid, aux);
    const distributed = this.ocrDistriHead.forward(mid, context);
    const logits = this.clsHead.run(distributed, null, false);
    const outputs: Record<string, tf.Tensor> = { ...named, aux, logits };
    if (intermediates) Object.assign(outputs, { conv3x3_ocr: mid, ocr_gather_head: context, ocr_distri_head: distributed });
    return outputs;
  }

  /** ONNX twin of {@link computeOutputs} (NCHW); the same names, `ocr_gather_head` as [N, MID, K, 1]. */
  protected override emitOnnxOutputs(g: OnnxGraph, x: string, intermediates: boolean): Record<string, OnnxOutput> {
    const named: Record<string, string> = {};
    const branches = this.backbone.emitOnnx(g, x, intermediates ? named : undefined);
    const alignCorners = this.config.backbone.alignCorners;
    const upsampled = branches.map((t, i) => (i === 0 ? t : resizeBilinearLikeOnnx(g, t, branches[0], alignCorners)));
    const feats = upsampled.length === 1 ? upsampled[0] : g.node('Concat', upsampled, { axis: 1 }, 'feats');
    const aux = this.auxHead.emitOnnx(g, feats);
    const mid = this.conv3x3Ocr.emitOnnx(g, feats);
    const context = this.ocrGatherHead.emitOnnx(g, mid, aux);
    const distributed = this.ocrDistriHead.emitOnnx(g, mid, context);
    const logits = this.clsHead.emitOnnx(g, distributed, null, false);
    const outputs: Record<string, string> = { ...named, aux, logits };
    if (intermediates) Object.assign(outputs, { conv3x3_ocr: mid, ocr_gather_head: context, ocr_distri_head: distributed });
    return featureOutputs(outputs);
  }
}
