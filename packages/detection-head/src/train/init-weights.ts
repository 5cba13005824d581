import type { Module } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import type { FasterRCNN } from '../faster-rcnn.js';
import { MaskRoIHead } from '../mask-roi-head.js';

type Init = (shape: number[], random: () => number) => Float32Array;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Fan-in of a PyTorch weight [out, in, (k, k)]. */
const fanIn = (shape: number[]) => size(shape.slice(1));

function normal(std: number): Init {
  return (shape, random) =>
    Float32Array.from({ length: size(shape) }, () => std * Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random()));
}

function uniform(bound: (shape: number[]) => number): Init {
  return (shape, random) => {
    const b = bound(shape);
    return Float32Array.from({ length: size(shape) }, () => (2 * random() - 1) * b);
  };
}

/** Sets `weight` by `init` and `bias` to 0 for every weight-bearing module under `module`. */
function initUnder(module: Module, init: Init, random: () => number): void {
  for (const e of module.boundEntries()) {
    if (e.kind !== 'parameter') continue;
    if (e.name === 'weight') e.owner.setValue('weight', init(e.shape, random));
    else if (e.name === 'bias') e.owner.setValue('bias', new Float32Array(size(e.shape)));
  }
}

/**
 * mmdet 2.x `init_weights` of the parts a detector trains from scratch on top of a backbone:
 * HRFPN convs caffe2-xavier (kaiming-uniform a = 1: U(±√(3 / fan_in))), RPN convs N(0, 0.01),
 * the bbox head's shared FCs xavier-uniform, `fc_cls` N(0, 0.01), `fc_reg` N(0, 0.001); a mask
 * head's convs, deconv and `conv_logits` kaiming-normal (fan_out, ReLU); biases 0.
 * The backbone keeps its values (ImageNet weights in mmdet). Seeded.
 */
export function initDetectorWeights(model: FasterRCNN, seed = 1): void {
  const random = createRandom(seed);
  if (model.features.neck) initUnder(model.features.neck, uniform((s) => Math.sqrt(3 / fanIn(s))), random);
  initUnder(model.rpnHead, normal(0.01), random);
  const head = model.roiHead.bboxHead;
  for (const fc of head.sharedFcs) initUnder(fc, uniform((s) => Math.sqrt(6 / (s[0] + s[1]))), random);
  initUnder(head.fcCls, normal(0.01), random);
  initUnder(head.fcReg, normal(0.001), random);
  if (model.roiHead instanceof MaskRoIHead) {
    // FCNMaskHead: ConvModule convs, the deconv and conv_logits all kaiming-normal fan_out (ReLU gain);
    // PyTorch's fan_out is dim 0 × kernel area for every weight, the deconv's [in, out, k, k] included.
    const mh = model.roiHead.maskHead;
    const kaimingFanOut: Init = (shape, r) => normal(Math.sqrt(2 / (shape[0] * size(shape.slice(2)))))(shape, r);
    for (const m of [...mh.convs, mh.upsample, mh.convLogits]) initUnder(m, kaimingFanOut, random);
  }
}
