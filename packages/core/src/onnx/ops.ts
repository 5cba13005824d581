import type { OnnxGraph } from './onnx-graph.js';

/**
 * Resize ops that reproduce our TF.js resizes (and PyTorch's): nearest ×f with
 * `asymmetric` + `floor` (the default `round_prefer_floor` differs at ×4 / ×8), bilinear with
 * `half_pixel` (align_corners=False) or `align_corners`.
 */
export function upsampleNearestOnnx(g: OnnxGraph, x: string, factor: number): string {
  const scales = g.floats('nearest_scales', [1, 1, factor, factor]);
  return g.node('Resize', [x, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, 'upsample');
}

/** Bilinear resize of NCHW `x` to the spatial size of NCHW `like` (dynamic shapes). */
export function resizeBilinearLikeOnnx(g: OnnxGraph, x: string, like: string, alignCorners: boolean): string {
  const nc = g.node('Shape', [x], { start: 0, end: 2 }, 'shape_nc');
  const hw = g.node('Shape', [like], { start: 2, end: 4 }, 'shape_hw');
  const sizes = g.node('Concat', [nc, hw], { axis: 0 }, 'sizes');
  return g.node(
    'Resize',
    [x, '', '', sizes],
    { mode: 'linear', coordinate_transformation_mode: alignCorners ? 'align_corners' : 'half_pixel' },
    'resize',
  );
}

/**
 * Sum of values as a chain of Adds, left to right like the official fuse layers (`y = y + …`).
 * Not one `Sum` node: onnxruntime's WebGPU execution provider has no Sum kernel, so a Sum of three
 * or four branches ran on the CPU, with a GPU→CPU→GPU copy of every branch around it.
 */
export function sumOnnx(g: OnnxGraph, terms: string[]): string {
  if (terms.length === 0) throw new Error('sumOnnx: no terms');
  return terms.slice(1).reduce((acc, t) => g.node('Add', [acc, t]), terms[0]);
}
