import * as tf from '@tensorflow/tfjs-core';
import type { BackboneConfig, StageConfig } from '../config/types.js';
import { ConvBn } from '../nn/conv-bn.js';
import { Sequential } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import type { OnnxGraph } from '../onnx/onnx-graph.js';
import { resizeBilinearLikeOnnx, sumOnnx, upsampleNearestOnnx } from '../onnx/ops.js';
import { type BlockSequence, makeBlocks } from './blocks.js';
import { resizeBilinearLikeTorch, upsampleNearest } from './resize.js';

/** One output row of `fuse_layers`: how each input branch reaches this branch (`null` for itself). */
export type FuseRow = Sequential<FusePath | null>;

/** How branch j reaches branch i inside a fuse layer. */
export type FusePath = UpsamplePath | DownsamplePath;

/** j > i: 1×1 conv + BN, then upsample to branch i (`fuse_layers.i.j.0/.1`). */
export class UpsamplePath extends ConvBn {
  readonly factor: number;
  constructor(inC: number, outC: number, factor: number, nearest: boolean, bn: BackboneConfig['batchNorm']) {
    // pose/cls/mmdet keep nn.Upsample at index 2; seg interpolates in forward (no module, no keys either way).
    super(inC, outC, { kernelSize: 1, tail: nearest ? 'upsample' : undefined, batchNorm: bn });
    this.factor = factor;
  }
}

/** j < i: (i−j) stride-2 3×3 conv + BN steps, ReLU on all but the last (`fuse_layers.i.j.k.0/.1`). */
export class DownsamplePath extends Sequential<ConvBn> {
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.items.reduce((y, step) => step.forward(y), x);
  }

  /** ONNX twin of {@link forward} (NCHW). */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.items.reduce((y, step) => step.emitOnnx(g, y), x);
  }
}

/**
 * `HighResolutionModule`: parallel branches of residual blocks, then every output branch sums
 * every input branch brought to its resolution (j-ascending order, as the official loop), then ReLU.
 */
export class HighResolutionModule extends Module {
  readonly branches: Sequential<BlockSequence>;
  readonly fuseLayers: Sequential<FuseRow> | null;
  /** Channels of each output branch. */
  readonly outChannels: number[];

  constructor(
    stage: StageConfig,
    inChannels: number[],
    multiScaleOutput: boolean,
    private readonly backbone: BackboneConfig,
  ) {
    super();
    const bn = backbone.batchNorm;
    const n = stage.numBranches;
    const widths: number[] = [];
    const branches: BlockSequence[] = [];
    for (let b = 0; b < n; b++) {
      const { layer, outChannels } = makeBlocks(stage.block, inChannels[b], stage.numChannels[b], stage.numBlocks[b], bn);
      branches.push(layer);
      widths.push(outChannels);
    }
    this.branches = this.child('branches', new Sequential(branches));
    this.outChannels = multiScaleOutput ? widths : [widths[0]];
    this.fuseLayers = this.child('fuse_layers', n > 1 ? this.makeFuseLayers(widths, multiScaleOutput) : null);
  }

  private makeFuseLayers(widths: number[], multiScaleOutput: boolean): Sequential<FuseRow> {
    const bn = this.backbone.batchNorm;
    const nearest = this.backbone.upsample === 'nearest';
    const rows: FuseRow[] = [];
    for (let i = 0; i < (multiScaleOutput ? widths.length : 1); i++) {
      const row: Array<FusePath | null> = [];
      for (let j = 0; j < widths.length; j++) {
        if (j > i) {
          row.push(new UpsamplePath(widths[j], widths[i], 2 ** (j - i), nearest, bn));
        } else if (j === i) {
          row.push(null);
        } else {
          const steps: ConvBn[] = [];
          for (let k = 0; k < i - j; k++) {
            const last = k === i - j - 1;
            steps.push(new ConvBn(widths[j], last ? widths[i] : widths[j], { kernelSize: 3, stride: 2, relu: !last, batchNorm: bn }));
          }
          row.push(new DownsamplePath(steps));
        }
      }
      rows.push(new Sequential(row));
    }
    return new Sequential(rows);
  }

  forward(inputs: tf.Tensor4D[]): tf.Tensor4D[] {
    const x = inputs.map((t, b) => this.branches.items[b].forward(t));
    if (!this.fuseLayers) return x;
    return this.fuseLayers.items.map((row, i) => {
      const [, height, width] = x[i].shape;
      const terms = row.items.map((path, j) => {
        if (!path) return x[j];
        if (path instanceof DownsamplePath) return path.forward(x[j]);
        const reduced = path.forward(x[j]);
        return this.backbone.upsample === 'nearest'
          ? checkedSize(upsampleNearest(reduced, path.factor), height, width, i, j)
          : resizeBilinearLikeTorch(reduced, height, width, this.backbone.alignCorners);
      });
      return tf.relu(terms.length === 1 ? terms[0] : tf.addN(terms));
    });
  }

  /**
   * ONNX twin of {@link forward} (NCHW): nearest ×2^k as Resize(asymmetric, floor) by scales, bilinear
   * as Resize to branch i's dynamic size.
   */
  emitOnnx(g: OnnxGraph, inputs: string[]): string[] {
    const x = inputs.map((t, b) => this.branches.items[b].emitOnnx(g, t));
    if (!this.fuseLayers) return x;
    return this.fuseLayers.items.map((row, i) => {
      const terms = row.items.map((path, j) => {
        if (!path) return x[j];
        if (path instanceof DownsamplePath) return path.emitOnnx(g, x[j]);
        const reduced = path.emitOnnx(g, x[j]);
        return this.backbone.upsample === 'nearest'
          ? upsampleNearestOnnx(g, reduced, path.factor)
          : resizeBilinearLikeOnnx(g, reduced, x[i], this.backbone.alignCorners);
      });
      return g.node('Relu', [sumOnnx(g, terms)]);
    });
  }
}

/** Nearest ×2^k only lines up when every branch size halves exactly. */
function checkedSize(t: tf.Tensor4D, height: number, width: number, i: number, j: number): tf.Tensor4D {
  if (t.shape[1] !== height || t.shape[2] !== width) {
    throw new Error(
      `fuse layer ${i}.${j}: branch ${j} upsampled to ${t.shape[1]}×${t.shape[2]} but branch ${i} is ${height}×${width}; ` +
        'networks with nearest-neighbour fusion (pose, cls, mmdet) need input height and width that are multiples of 32',
    );
  }
  return t;
}
