import * as tf from '@tensorflow/tfjs-core';
import { resizeBilinearLikeTorch } from '@hrnetjs/core/ops';
import type { HigherHRNetConfig, HigherTestConfig } from './higher-config.js';

/** NHWC maps of one scale: averaged heatmaps (one per pass: plain, flipped) and the tag maps. */
export interface StageOutputs {
  heatmaps: tf.Tensor4D[];
  tags: tf.Tensor4D[];
}

/** The network's outputs (high-level first) for the image and, with the flip test, for its mirror. */
export interface NetworkPasses {
  plain: tf.Tensor4D[];
  /** Outputs of the W-mirrored image (not yet flipped back); null without the flip test. */
  flipped: tf.Tensor4D[] | null;
}

/** Channels `index` of an NHWC tensor, in that order. */
function pick(x: tf.Tensor4D, index: readonly number[]): tf.Tensor4D {
  return tf.gather(x, Array.from(index), 3) as tf.Tensor4D;
}

/**
 * `get_multi_stage_outputs` (lib/core/inference.py) on NHWC tensors, given the network's outputs
 * for the image and its mirror (whichever engine ran them): every output resized (bilinear,
 * align_corners false) to the last one's size; heatmaps of the outputs the test reads averaged; tags
 * of the AE outputs kept; with the flip test, the mirrored pass flipped back with the flip index;
 * with `project2image`, everything resized to `sizeProjected` [w, h]. Call inside tf.tidy.
 */
export function getMultiStageOutputs(
  passes: NetworkPasses,
  config: Pick<HigherHRNetConfig, 'higher'>,
  test: Pick<HigherTestConfig, 'withHeatmaps' | 'withAe' | 'project2image'>,
  flipIndex: readonly number[] | null,
  sizeProjected: readonly [number, number] | null,
): StageOutputs {
  const { numJoints: J, withHeatmapsLoss, withAeLoss, tagPerJoint } = config.higher;
  const heatmaps: tf.Tensor4D[] = [];
  const tags: tf.Tensor4D[] = [];
  const pass = (outputs: tf.Tensor4D[], flip: boolean) => {
    const last = outputs[outputs.length - 1];
    let sum: tf.Tensor4D | null = null;
    let count = 0;
    outputs.forEach((raw, i) => {
      let output = outputs.length > 1 && i !== outputs.length - 1 ? resizeBilinearLikeTorch(raw, last.shape[1], last.shape[2], false) : raw;
      if (flip) output = tf.reverse(output, 2);
      const channels = output.shape[3];
      const offset = withHeatmapsLoss[i] ? J : 0;
      if (withHeatmapsLoss[i] && test.withHeatmaps[i]) {
        let hm = tf.slice(output, [0, 0, 0, 0], [-1, -1, -1, J]) as tf.Tensor4D;
        if (flip && flipIndex) hm = pick(hm, flipIndex);
        sum = sum ? (tf.add(sum, hm) as tf.Tensor4D) : hm;
        count++;
      }
      if (withAeLoss[i] && test.withAe[i]) {
        let tag = tf.slice(output, [0, 0, 0, offset], [-1, -1, -1, channels - offset]) as tf.Tensor4D;
        if (flip && flipIndex && tagPerJoint) tag = pick(tag, flipIndex);
        tags.push(tag);
      }
    });
    if (sum) heatmaps.push(tf.div(sum, count) as tf.Tensor4D);
    else if (flip) throw new Error('the flip test needs at least one output whose heatmaps the test reads (TEST.WITH_HEATMAPS)');
  };
  if (passes.flipped && !flipIndex) throw new Error('a mirrored pass needs the flip index');
  pass(passes.plain, false);
  if (passes.flipped) pass(passes.flipped, true);
  if (!sizeProjected) return { heatmaps, tags };
  const [w, h] = sizeProjected;
  const project = (t: tf.Tensor4D) => resizeBilinearLikeTorch(t, h, w, false);
  return { heatmaps: heatmaps.map(project), tags: tags.map(project) };
}

/** Running state of `aggregate_results` across scales. */
export interface Aggregate {
  finalHeatmaps: tf.Tensor4D | null;
  /** Each [1, H, W, C] tag map that joins the final tags (stacked on a new last axis at the end). */
  tagsList: tf.Tensor4D[];
}

/**
 * `aggregate_results`: tags are taken at scale 1 (or from the only scale), resized to the final
 * heatmap size unless projected; heatmaps (plain + flipped averaged) are summed, resized to the
 * first (largest) scale's size unless projected. Call inside tf.tidy.
 */
export function aggregateResults(
  test: Pick<HigherTestConfig, 'scaleFactor' | 'project2image' | 'flipTest'>,
  scaleFactor: number,
  state: Aggregate,
  { heatmaps, tags }: StageOutputs,
  flipTest: boolean,
): Aggregate {
  let { finalHeatmaps } = state;
  const tagsList = [...state.tagsList];
  if (scaleFactor === 1 || test.scaleFactor.length === 1) {
    for (let tms of tags) {
      if (finalHeatmaps && !test.project2image) tms = resizeBilinearLikeTorch(tms, finalHeatmaps.shape[1], finalHeatmaps.shape[2], false);
      tagsList.push(tms);
    }
  }
  const avg = flipTest ? (tf.div(tf.add(heatmaps[0], heatmaps[1]), 2) as tf.Tensor4D) : heatmaps[0];
  if (!finalHeatmaps) finalHeatmaps = avg;
  else if (test.project2image) finalHeatmaps = tf.add(finalHeatmaps, avg) as tf.Tensor4D;
  else finalHeatmaps = tf.add(finalHeatmaps, resizeBilinearLikeTorch(avg, finalHeatmaps.shape[1], finalHeatmaps.shape[2], false)) as tf.Tensor4D;
  return { finalHeatmaps, tagsList };
}
