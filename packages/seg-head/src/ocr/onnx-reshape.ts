import type { OnnxGraph } from '@hrnetjs/core/ops';

// The reshapes of the OCR head's ONNX graph (the official `.view(b, c, -1)` / `.permute(0, 2, 1)`),
// with 0 / −1 in the target shape so that batch, H and W stay dynamic.

/** NCHW [N, C, H, W] → [N, C, H·W]. */
export function flattenSpatialOnnx(g: OnnxGraph, x: string): string {
  return g.node('Reshape', [x, g.int64('flat_shape', [0, 0, -1])], {}, 'flat');
}

/** [N, A, B] → [N, B, A]. */
export function swapLastAxesOnnx(g: OnnxGraph, x: string): string {
  return g.node('Transpose', [x], { perm: [0, 2, 1] }, 'transposed');
}
