import type { Module } from '@hrnetjs/core';
import { createRandom } from '@hrnetjs/core/ops';
import type { Shared2FCBBoxHead } from '../bbox-head.js';
import { CascadeRoIHead } from '../cascade-roi-head.js';
import type { FCNMaskHead } from '../fcn-mask-head.js';
import { MaskRoIHead } from '../mask-roi-head.js';
import type { TrainableDetector } from './detector-loss.js';

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
 * The backbone keeps its values (ImageNet weights in mmdet). Cascades: every stage's bbox head,
 * then every stage's mask head, the same way. Seeded.
 */
export function initDetectorWeights(model: TrainableDetector, seed = 1): void {
  const random = createRandom(seed);
  if (model.features.neck) initUnder(model.features.neck, uniform((s) => Math.sqrt(3 / fanIn(s))), random);
  initUnder(model.rpnHead, normal(0.01), random);
  const roi = model.roiHead;
  const bboxHeads = roi instanceof CascadeRoIHead ? roi.bboxHeads : [roi.bboxHead];
  const maskHeads = roi instanceof CascadeRoIHead ? roi.maskHeads : roi instanceof MaskRoIHead ? [roi.maskHead] : [];
  for (const head of bboxHeads) initBBoxHead(head, random);
  for (const head of maskHeads) initMaskHead(head, random);
}

function initBBoxHead(head: Shared2FCBBoxHead, random: () => number): void {
  for (const fc of head.sharedFcs) initUnder(fc, uniform((s) => Math.sqrt(6 / (s[0] + s[1]))), random);
  initUnder(head.fcCls, normal(0.01), random);
  initUnder(head.fcReg, normal(0.001), random);
}

/**
 * FCNMaskHead: ConvModule convs, the deconv and conv_logits all kaiming-normal fan_out (ReLU gain);
 * PyTorch's fan_out is dim 0 × kernel area for every weight, the deconv's [in, out, k, k] included.
 */
function initMaskHead(mh: FCNMaskHead, random: () => number): void {
  const kaimingFanOut: Init = (shape, r) => normal(Math.sqrt(2 / (shape[0] * size(shape.slice(2)))))(shape, r);
  for (const m of [...mh.convs, mh.upsample, mh.convLogits]) initUnder(m, kaimingFanOut, random);
}
