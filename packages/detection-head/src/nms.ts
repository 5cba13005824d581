const f32 = Math.fround;

/**
 * Greedy NMS with torchvision's `nms` semantics (what mmcv's `nms` computes, offset 0): boxes are
 * visited by descending score (a stable sort: equal scores keep index order), a visited box that
 * is still alive is kept and suppresses every later box whose IoU with it is > `iouThreshold`.
 * IoU is computed in float32 as the CPU kernel does. `boxes` is flat [N × 4] (x1, y1, x2, y2).
 * Returns the kept indices, highest score first.
 */
export function nms(boxes: Float32Array, scores: Float32Array, iouThreshold: number): Int32Array {
  const n = scores.length;
  if (boxes.length !== n * 4) throw new Error(`nms: ${boxes.length / 4} boxes but ${n} scores`);
  const areas = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    areas[i] = f32(f32(boxes[4 * i + 2] - boxes[4 * i]) * f32(boxes[4 * i + 3] - boxes[4 * i + 1]));
  }
  const order = sortByScoreDescending(scores);
  const suppressed = new Uint8Array(n);
  const keep: number[] = [];
  for (let a = 0; a < n; a++) {
    const i = order[a];
    if (suppressed[i]) continue;
    keep.push(i);
    const ix1 = boxes[4 * i];
    const iy1 = boxes[4 * i + 1];
    const ix2 = boxes[4 * i + 2];
    const iy2 = boxes[4 * i + 3];
    const iarea = areas[i];
    for (let b = a + 1; b < n; b++) {
      const j = order[b];
      if (suppressed[j]) continue;
      const w = Math.max(0, f32(Math.min(ix2, boxes[4 * j + 2]) - Math.max(ix1, boxes[4 * j])));
      const h = Math.max(0, f32(Math.min(iy2, boxes[4 * j + 3]) - Math.max(iy1, boxes[4 * j + 1])));
      const inter = f32(w * h);
      const iou = f32(inter / f32(f32(iarea + areas[j]) - inter));
      if (iou > iouThreshold) suppressed[j] = 1;
    }
  }
  return Int32Array.from(keep);
}

/** Indices that sort `scores` descending; ties keep ascending index order (stable). */
export function sortByScoreDescending(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/** Options of {@link batchedNms} (mmcv's `nms_cfg`). */
export interface BatchedNmsOptions {
  iouThreshold: number;
  /** Ignore the groups: one NMS over all boxes. */
  classAgnostic?: boolean;
  /** From this many boxes on, run one NMS per group instead of offsetting (mmcv: 10000). */
  splitThreshold?: number;
}

/**
 * mmcv 1.x `batched_nms`: NMS within groups (`idxs`: class or level), never across them. Below
 * `splitThreshold` boxes, groups are separated as mmcv does by shifting every box by
 * idx·(max coordinate + 1) in float32 (so IoUs carry the same rounding); from it on, one NMS per
 * group. Returns kept indices sorted by descending score.
 */
export function batchedNms(boxes: Float32Array, scores: Float32Array, idxs: Int32Array, options: BatchedNmsOptions): Int32Array {
  const n = scores.length;
  if (n === 0) return new Int32Array(0);
  if (idxs.length !== n) throw new Error(`batchedNms: ${idxs.length} group ids for ${n} boxes`);
  if (options.classAgnostic) return nms(boxes, scores, options.iouThreshold);
  if (n < (options.splitThreshold ?? 10000)) {
    let max = -Infinity;
    for (let i = 0; i < boxes.length; i++) if (boxes[i] > max) max = boxes[i];
    const step = f32(max + 1);
    const shifted = new Float32Array(boxes.length);
    for (let i = 0; i < n; i++) {
      const offset = f32(idxs[i] * step);
      for (let c = 0; c < 4; c++) shifted[4 * i + c] = f32(boxes[4 * i + c] + offset);
    }
    return nms(shifted, scores, options.iouThreshold);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups.get(idxs[i]);
    if (g) g.push(i);
    else groups.set(idxs[i], [i]);
  }
  const kept: number[] = [];
  for (const members of groups.values()) {
    const sub = Int32Array.from(members);
    const subBoxes = new Float32Array(sub.length * 4);
    const subScores = new Float32Array(sub.length);
    sub.forEach((i, k) => {
      subBoxes.set(boxes.subarray(4 * i, 4 * i + 4), 4 * k);
      subScores[k] = scores[i];
    });
    for (const k of nms(subBoxes, subScores, options.iouThreshold)) kept.push(sub[k]);
  }
  kept.sort((a, b) => scores[b] - scores[a] || a - b);
  return Int32Array.from(kept);
}
