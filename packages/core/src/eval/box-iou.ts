/**
 * pycocotools' `maskUtils.iou` for boxes (`bbIou` in maskApi.c): IoU of every detection box with
 * every ground-truth box, `[x, y, w, h]` each. For a crowd ground truth the union is the
 * detection's own area, so a detection lying inside a crowd region scores 1.
 *
 * @returns `ious[d][g]`, one row per detection; `[]` when either list is empty (as pycocotools).
 */
export function boxIou(dts: readonly (readonly number[])[], gts: readonly (readonly number[])[], iscrowd: readonly (number | boolean)[]): number[][] {
  if (dts.length === 0 || gts.length === 0) return [];
  if (iscrowd.length !== gts.length) {
    throw new Error(`boxIou: iscrowd has ${iscrowd.length} flags for ${gts.length} ground-truth boxes`);
  }
  const out = dts.map(() => new Array<number>(gts.length).fill(0));
  for (let g = 0; g < gts.length; g++) {
    const G = gts[g];
    const ga = G[2] * G[3];
    const crowd = Boolean(iscrowd[g]);
    for (let d = 0; d < dts.length; d++) {
      const D = dts[d];
      const da = D[2] * D[3];
      // Same operation order as the C code so the float64 results are identical.
      const w = Math.min(D[2] + D[0], G[2] + G[0]) - Math.max(D[0], G[0]);
      if (w <= 0) continue;
      const h = Math.min(D[3] + D[1], G[3] + G[1]) - Math.max(D[1], G[1]);
      if (h <= 0) continue;
      const i = w * h;
      const u = crowd ? da : da + ga - i;
      out[d][g] = i / u;
    }
  }
  return out;
}
