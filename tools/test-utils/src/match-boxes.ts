/** IoU of two (x1, y1, x2, y2) boxes (float64, no +1). */
export function iou(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Set matching of the acceptance criteria: each reference row (x1, y1, x2, y2, score, stride 5)
 * needs its own output row with IoU ≥ minIou, the same label and |Δscore| ≤ scoreTol. Greedy in
 * reference order, best IoU first. Returns the matched fraction of the reference rows.
 */
export function matchedFraction(
  reference: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: { minIou?: number; scoreTol?: number; referenceLabels?: ArrayLike<number>; actualLabels?: ArrayLike<number> } = {},
): { fraction: number; matched: number; total: number } {
  const pairs = matchDetections(reference, actual, options);
  const total = reference.length / 5;
  return { fraction: total === 0 ? 1 : pairs.length / total, matched: pairs.length, total };
}

/**
 * The greedy matching behind {@link matchedFraction}: [reference index, actual index] of every
 * reference box that found an unused actual box (same label, |Δscore| ≤ scoreTol, best IoU ≥ minIou).
 */
export function matchDetections(
  reference: ArrayLike<number>,
  actual: ArrayLike<number>,
  options: { minIou?: number; scoreTol?: number; referenceLabels?: ArrayLike<number>; actualLabels?: ArrayLike<number> } = {},
): Array<[number, number]> {
  const { minIou = 0.99, scoreTol = 1e-3 } = options;
  const nRef = reference.length / 5;
  const nAct = actual.length / 5;
  const used = new Uint8Array(nAct);
  const row = (arr: ArrayLike<number>, i: number) => Array.from({ length: 5 }, (_, k) => arr[5 * i + k]);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < nRef; i++) {
    const r = row(reference, i);
    let best = -1;
    let bestIou = minIou;
    for (let j = 0; j < nAct; j++) {
      if (used[j]) continue;
      if (options.referenceLabels && options.actualLabels && options.referenceLabels[i] !== options.actualLabels[j]) continue;
      const a = row(actual, j);
      if (Math.abs(a[4] - r[4]) > scoreTol) continue;
      const v = iou(r, a);
      if (v >= bestIou) {
        bestIou = v;
        best = j;
      }
    }
    if (best >= 0) {
      used[best] = 1;
      pairs.push([i, best]);
    }
  }
  return pairs;
}
