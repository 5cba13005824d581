/**
 * `window.__hrnet.forward`: runs one network of the current weights on the active engine, on an
 * input the caller gives, and returns every named output. The browser test compares them with
 * Node's (raw heatmaps / logits, not only the decoded results); call it while the page is idle.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensor } from '@hrnetjs/core';
import type { PoseModel } from '@hrnetjs/pose-head';
import type { DemoModels } from '../../src/demo-model/index.js';
import type { OrtEngine } from './engines.js';
import type { EncodedTensor } from './env.js';
import { state } from './ui.js';

/** Float32 values ↔ base64 of their little-endian bytes. */
export function encodeFloats(values: Float32Array): string {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function decodeFloats(base64: string): Float32Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

const encode = (t: HostTensor): EncodedTensor => ({ dims: [...t.dims], base64: encodeFloats(t.data) });

/** What the hook runs: the page's current models and engine. */
export interface ForwardTargets {
  demo: DemoModels | null;
  pose?: PoseModel;
  ort: OrtEngine | null;
}

export function installForwardHook(current: () => ForwardTargets): void {
  state.forward = async (network, input) => {
    const { demo, pose, ort } = current();
    if (!demo) throw new Error('the demo weights are not loaded yet');
    const data = decodeFloats(input.base64);
    let outputs: Record<string, HostTensor>;
    if (network === 'multiTask' && ort) {
      await ort.prepareMultiTask(demo.multiTask);
      // The shared graph itself: logits, neck levels and RPN outputs in one session run.
      outputs = await demo.multiTask.onnxSessions!.features.run({ input: { data, dims: input.dims } });
    } else {
      const model = network === 'multiTask' ? demo.multiTask : (pose ?? demo.pose);
      const x = tf.tensor4d(data, input.dims as [number, number, number, number]);
      const named = ort ? await (await ort.runner(model))(x) : model.forwardNamed(x);
      x.dispose();
      outputs = {};
      for (const [name, t] of Object.entries(named)) outputs[name] = { data: (await t.data()) as Float32Array, dims: t.shape };
      tf.dispose(Object.values(named));
    }
    return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, encode(t)]));
  };
}
