import * as tf from '@tensorflow/tfjs-core';
import { Module } from '@hrnetjs/core';
import { BatchNorm2d, Conv2d, type OnnxGraph, Sequential, Stateless } from '@hrnetjs/core/ops';
import { flattenSpatialOnnx, swapLastAxesOnnx } from './onnx-reshape.js';

type BatchNormMode = 'standard' | 'inplace-abn';

/** `ModuleHelper.BNReLU`: Sequential[BatchNorm2d, ReLU] (so its BN keys read `.1.0.*` inside a block). */
export class BNReLU extends Sequential {
  /** The BatchNorm (index 0), folded into the preceding conv at inference. */
  readonly bn: BatchNorm2d;

  constructor(channels: number, batchNorm: BatchNormMode) {
    const bn = new BatchNorm2d(channels, batchNorm);
    super([bn, new Stateless('relu')]);
    this.bn = bn;
  }
}

/** A Sequential of [1×1 conv (no bias), BNReLU] pairs, as f_pixel / f_object (two pairs) and f_down / f_up (one). */
export class ConvBNReLUChain extends Sequential {
  private readonly pairs: Array<[Conv2d, BNReLU]> = [];

  constructor(channels: number[], batchNorm: BatchNormMode) {
    const items: Array<Conv2d | BNReLU> = [];
    const pairs: Array<[Conv2d, BNReLU]> = [];
    for (let i = 1; i < channels.length; i++) {
      const conv = new Conv2d(channels[i - 1], channels[i], 1, { bias: false });
      const bnRelu = new BNReLU(channels[i], batchNorm);
      items.push(conv, bnRelu);
      pairs.push([conv, bnRelu]);
    }
    super(items);
    this.pairs = pairs;
  }

  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.pairs.reduce((y, [conv, bnRelu]) => conv.run(y, bnRelu.bn, true), x);
  }

  /** ONNX twin of {@link forward} (NCHW): one Conv (BN folded) + Relu per pair. */
  emitOnnx(g: OnnxGraph, x: string): string {
    return this.pairs.reduce((y, [conv, bnRelu]) => conv.emitOnnx(g, y, bnRelu.bn, true), x);
  }
}


/**
 * `ObjectAttentionBlock2D` (scale 1, as seg_hrnet_ocr.py builds it): every pixel attends over the K
 * object regions. query = f_pixel(x), key = f_object(proxy), value = f_down(proxy);
 * softmax(key_channels^−½ · query·keyᵀ) over the regions, times value, then f_up back to in_channels.
 * x NHWC [N, H, W, C], proxy [N, K, 1, C] → [N, H, W, C].
 */
export class ObjectAttentionBlock2D extends Module {
  /** `f_pixel`: the queries (pixels). */
  readonly fPixel: ConvBNReLUChain;
  /** `f_object`: the keys (object regions). */
  readonly fObject: ConvBNReLUChain;
  /** `f_down`: the values (object regions). */
  readonly fDown: ConvBNReLUChain;
  /** `f_up`: key channels back to in_channels. */
  readonly fUp: ConvBNReLUChain;

  constructor(
    readonly inChannels: number,
    readonly keyChannels: number,
    batchNorm: BatchNormMode,
  ) {
    super();
    // Registration order = the official attribute order (pool has no keys).
    this.fPixel = this.child('f_pixel', new ConvBNReLUChain([inChannels, keyChannels, keyChannels], batchNorm));
    this.fObject = this.child('f_object', new ConvBNReLUChain([inChannels, keyChannels, keyChannels], batchNorm));
    this.fDown = this.child('f_down', new ConvBNReLUChain([inChannels, keyChannels], batchNorm));
    this.fUp = this.child('f_up', new ConvBNReLUChain([keyChannels, inChannels], batchNorm));
  }

  forward(x: tf.Tensor4D, proxy: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = x.shape;
    const key = this.keyChannels;
    const regions = proxy.shape[1] * proxy.shape[2];
    const query = tf.reshape(this.fPixel.forward(x), [n, h * w, key]);
    const keys = tf.reshape(this.fObject.forward(proxy), [n, regions, key]);
    const value = tf.reshape(this.fDown.forward(proxy), [n, regions, key]);
    const sim = tf.softmax(tf.mul(tf.matMul(query, keys, false, true), key ** -0.5));
    const context = tf.reshape(tf.matMul(sim, value), [n, h, w, key]) as tf.Tensor4D;
    return this.fUp.forward(context);
  }

  /**
   * ONNX twin of {@link forward} on NCHW x [N, C, H, W] and proxy [N, C, K, 1], as the official
   * code writes it: query [N, HW, key] · key [N, key, K], scaled, Softmax over K, · value [N, K, key],
   * back to [N, key, H, W] (the query map's shape, so H and W stay dynamic), then f_up.
   */
  emitOnnx(g: OnnxGraph, x: string, proxy: string): string {
    const query4d = this.fPixel.emitOnnx(g, x);
    const query = swapLastAxesOnnx(g, flattenSpatialOnnx(g, query4d));
    const keys = flattenSpatialOnnx(g, this.fObject.emitOnnx(g, proxy));
    const value = swapLastAxesOnnx(g, flattenSpatialOnnx(g, this.fDown.emitOnnx(g, proxy)));
    const scale = g.floats('key_scale', [this.keyChannels ** -0.5]);
    const sim = g.node('Softmax', [g.node('Mul', [g.node('MatMul', [query, keys], {}, 'sim_map'), scale])], { axis: -1 }, 'sim_softmax');
    const context = swapLastAxesOnnx(g, g.node('MatMul', [sim, value], {}, 'context'));
    const context4d = g.node('Reshape', [context, g.node('Shape', [query4d], {}, 'query_shape')], {}, 'context_map');
    return this.fUp.emitOnnx(g, context4d);
  }
}

/**
 * `SpatialOCR_Module`: object context from ObjectAttentionBlock2D, concatenated before the pixel
 * features ([context, feats]), then `conv_bn_dropout` = [1×1 conv 2C→out (no bias), BNReLU, Dropout2d].
 */
export class SpatialOCRModule extends Module {
  /** `object_context_block`. */
  readonly objectContextBlock: ObjectAttentionBlock2D;
  /** `conv_bn_dropout.0`: 1×1 conv 2C → out, no bias. */
  readonly conv: Conv2d;
  /** `conv_bn_dropout.1`. */
  readonly bnRelu: BNReLU;

  constructor(
    inChannels: number,
    keyChannels: number,
    outChannels: number,
    readonly dropout: number,
    batchNorm: BatchNormMode,
  ) {
    super();
    this.objectContextBlock = this.child('object_context_block', new ObjectAttentionBlock2D(inChannels, keyChannels, batchNorm));
    this.conv = new Conv2d(2 * inChannels, outChannels, 1, { bias: false });
    this.bnRelu = new BNReLU(outChannels, batchNorm);
    this.child('conv_bn_dropout', new Sequential([this.conv, this.bnRelu, new Stateless('dropout')]));
  }

  forward(feats: tf.Tensor4D, proxy: tf.Tensor4D): tf.Tensor4D {
    const context = this.objectContextBlock.forward(feats, proxy);
    const out = this.conv.run(tf.concat([context, feats], 3), this.bnRelu.bn, true);
    if (!this.isTraining || this.dropout === 0) return out;
    // Dropout2d: whole channels per sample, survivors scaled by 1/(1 − p).
    const [n, , , c] = out.shape;
    return tf.dropout(out, this.dropout, [n, 1, 1, c]) as tf.Tensor4D;
  }

  /** ONNX twin of {@link forward} at inference (Dropout2d is the identity there); NCHW. */
  emitOnnx(g: OnnxGraph, feats: string, proxy: string): string {
    const context = this.objectContextBlock.emitOnnx(g, feats, proxy);
    return this.conv.emitOnnx(g, g.node('Concat', [context, feats], { axis: 1 }), this.bnRelu.bn, true);
  }
}
