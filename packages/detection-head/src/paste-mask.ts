const f32 = Math.fround;

/**
 * mmdet 2.x `_do_paste_mask` for ONE mask on the CPU path (`skip_empty=True`): the M×M
 * probabilities are sampled with `F.grid_sample(bilinear, zeros padding, align_corners=False)` at
 * every pixel centre of the region [⌊x0⌋ − 1, ⌈x1⌉ + 1) × [⌊y0⌋ − 1, ⌈y1⌉ + 1) (clamped to the
 * image) and thresholded (`>= threshold`); pixels outside the region stay 0. Arithmetic is float32
 * as in PyTorch. Returns a row-major 0/1 bitmap [imgH × imgW].
 */
export function pasteMask(
  probs: Float32Array,
  maskSize: number,
  box: ArrayLike<number>,
  imgH: number,
  imgW: number,
  threshold: number,
): Uint8Array {
  const M = maskSize;
  if (probs.length !== M * M) throw new Error(`pasteMask: expected ${M}×${M} probabilities, got ${probs.length}`);
  const out = new Uint8Array(imgH * imgW);
  const [x0, y0, x1, y1] = [f32(box[0]), f32(box[1]), f32(box[2]), f32(box[3])];
  const xStart = Math.max(Math.floor(x0) - 1, 0);
  const yStart = Math.max(Math.floor(y0) - 1, 0);
  const xEnd = Math.min(Math.ceil(x1) + 1, imgW);
  const yEnd = Math.min(Math.ceil(y1) + 1, imgH);
  const bw = f32(x1 - x0);
  const bh = f32(y1 - y0);
  const half = f32(M / 2);
  // grid → input pixel coordinate (PyTorch's CPU kernel: (g + 1) · size/2 − 0.5)
  const coord = (p: number, start: number, extent: number): number => {
    let g = f32(f32(f32(f32(f32(p + 0.5) - start) / extent) * 2) - 1);
    if (!Number.isFinite(g) && !Number.isNaN(g)) g = 0; // mmdet zeroes ±inf (empty boxes)
    return f32(f32(f32(g + 1) * half) - 0.5);
  };
  const xs = new Float32Array(Math.max(xEnd - xStart, 0));
  for (let x = xStart; x < xEnd; x++) xs[x - xStart] = coord(x, x0, bw);
  for (let y = yStart; y < yEnd; y++) {
    const iy = coord(y, y0, bh);
    const yn = Math.floor(iy);
    const n = f32(iy - yn);
    const s = f32(1 - n);
    for (let x = xStart; x < xEnd; x++) {
      const ix = xs[x - xStart];
      const xw = Math.floor(ix);
      const w = f32(ix - xw);
      const e = f32(1 - w);
      const at = (yy: number, xx: number): number => (yy >= 0 && yy < M && xx >= 0 && xx < M ? probs[yy * M + xx] : 0);
      const v = f32(
        f32(f32(f32(at(yn, xw) * f32(s * e)) + f32(at(yn, xw + 1) * f32(s * w))) + f32(at(yn + 1, xw) * f32(n * e))) + f32(at(yn + 1, xw + 1) * f32(n * w)),
      );
      if (v >= threshold) out[y * imgW + x] = 1;
    }
  }
  return out;
}

/** NumPy's `np.round` (half to even), as mmdet sizes the un-rescaled mask canvas. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** One bitmap per detection (row-major 0/1, `height × width`), in the order of the detections. */
export interface InstanceMasks {
  height: number;
  width: number;
  masks: Uint8Array[];
}

/**
 * mmdet 2.x `FCNMaskHead.get_seg_masks` for one image. `probs` are the per-detection mask
 * probabilities [N × M × M] (already sigmoid / stage-averaged), `bboxes` the boxes the masks were
 * predicted for (flat [N × 4], network-input coordinates: the detections × scale_factor when
 * rescaling). `rescale`: paste onto `oriShape` with the boxes divided back by `scaleFactor`;
 * otherwise onto round(oriShape × scaleFactor) with the boxes as they are. Without `oriShape`
 * (a bare tensor input) the canvas is `imgShape`.
 */
export function getSegMasks(
  probs: Float32Array,
  maskSize: number,
  bboxes: Float32Array,
  meta: { imgShape: [number, number]; scaleFactor: [number, number, number, number]; oriShape?: [number, number] },
  rescale: boolean,
  threshold: number,
): InstanceMasks {
  if (!(threshold >= 0)) throw new Error(`mask_thr_binary must be ≥ 0 (soft uint8 masks are not supported), got ${threshold}`);
  const n = bboxes.length / 4;
  const sf = meta.scaleFactor.map(f32);
  const [oriH, oriW] = meta.oriShape ?? meta.imgShape;
  const height = rescale ? oriH : roundHalfEven(oriH * sf[1]);
  const width = rescale ? oriW : roundHalfEven(oriW * sf[0]);
  const M2 = maskSize * maskSize;
  const masks: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const box = Array.from(bboxes.subarray(4 * i, 4 * i + 4), (v, k) => (rescale ? f32(v / sf[k]) : v));
    masks.push(pasteMask(probs.subarray(i * M2, (i + 1) * M2), maskSize, box, height, width, threshold));
  }
  return { height, width, masks };
}

/** The mask RoIs of mmdet's `simple_test_mask`: detections (rescaled) × scale_factor, in float32. */
export function maskRois(detBboxes: Float32Array, scaleFactor: readonly number[], rescale: boolean): Float32Array {
  if (!rescale) return Float32Array.from(detBboxes);
  const sf = scaleFactor.map(f32);
  return Float32Array.from(detBboxes, (v, i) => f32(v * sf[i % 4]));
}
