import { munkres } from './munkres.js';
import { torchTopk } from './torch-topk.js';

// The official HeatmapParser (HigherHRNet lib/core/group.py) on host arrays: NMS by max pooling,
// top-k per joint, `match_by_tag` (joints taken in `joint_order`, matched to the people found so far
// by tag distance with the Hungarian algorithm), `adjust` (quarter-pixel offsets) and `refine`
// (missing joints searched near the person's mean tag). Float32 steps are rounded as numpy does.

/** Settings of the parser (group.py `Params` and HeatmapParser's pool). */
export interface ParserParams {
  numJoints: number;
  /** `DATASET.MAX_NUM_PEOPLE`: k of the top-k and the most people matched against. */
  maxNumPeople: number;
  detectionThreshold: number;
  tagThreshold: number;
  useDetectionVal: boolean;
  ignoreTooMuch: boolean;
  tagPerJoint: boolean;
  nmsKernel: number;
  nmsPadding: number;
}

/** Heatmaps `det` [J, H, W] and tags `tag` [J or 1, H, W, L] (one image). */
export interface HeatmapsAndTags {
  det: Float32Array;
  tag: Float32Array;
  height: number;
  width: number;
  /** L: tag values per location (one per flip / scale that contributed tags). */
  tagDim: number;
}

/** One grouped person: `joints[j] = [x, y, score, ...tags]` in heatmap coordinates (float32 values). */
export type GroupedPerson = Float32Array[];

/** group.py's joint order (COCO: head, shoulders, hips, then limbs), restricted to the joints present. */
export function jointOrder(numJoints: number): number[] {
  const official = [1, 2, 3, 4, 5, 6, 7, 12, 13, 8, 9, 10, 11, 14, 15, 16, 17].map((i) => i - 1);
  // For 14..17 joints this is the official list's first numJoints entries; more joints follow in order.
  const order = official.filter((j) => j < numJoints);
  for (let j = 17; j < numJoints; j++) order.push(j);
  return order;
}

const f32 = Math.fround;

/** numpy's round (half to even). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `det * (maxpool(det) == det)`: local maxima kept, the rest 0 (torch MaxPool2d pads with −inf). */
export function heatmapNms(det: Float32Array, joints: number, h: number, w: number, kernel: number, padding: number): Float32Array {
  const out = new Float32Array(det.length);
  // The window max is separable: max over the rows of the max along each row.
  const rowMax = new Float32Array(h * w);
  for (let j = 0; j < joints; j++) {
    const base = j * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let max = -Infinity;
        const x1 = Math.min(w, x - padding + kernel);
        for (let xx = Math.max(0, x - padding); xx < x1; xx++) if (det[base + y * w + xx] > max) max = det[base + y * w + xx];
        rowMax[y * w + x] = max;
      }
    }
    for (let y = 0; y < h; y++) {
      const y1 = Math.min(h, y - padding + kernel);
      for (let x = 0; x < w; x++) {
        let max = -Infinity;
        for (let yy = Math.max(0, y - padding); yy < y1; yy++) if (rowMax[yy * w + x] > max) max = rowMax[yy * w + x];
        const v = det[base + y * w + x];
        out[base + y * w + x] = max === v ? v : 0;
      }
    }
  }
  return out;
}

interface TopK {
  /** [J][k] flat indices, values and tags (L each). */
  ind: Int32Array[];
  val: Float32Array[];
  tags: Float32Array[][];
}

/** `top_k`: the k largest NMS'ed values per joint (in torch.topk's order) and their tags. */
export function topK(maps: HeatmapsAndTags, params: ParserParams): TopK {
  const { height: h, width: w, tagDim: L } = maps;
  const J = params.numJoints;
  const k = params.maxNumPeople;
  if (k > h * w) throw new Error(`MAX_NUM_PEOPLE ${k} is more than the ${h}×${w} heatmap locations`);
  const det = heatmapNms(maps.det, J, h, w, params.nmsKernel, params.nmsPadding);
  const result: TopK = { ind: [], val: [], tags: [] };
  for (let j = 0; j < J; j++) {
    const base = j * h * w;
    // torch.topk's own order, ties included (see torch-topk.ts).
    const ind = torchTopk(det.subarray(base, base + h * w), k);
    const tagMap = params.tagPerJoint ? j : 0;
    result.ind.push(ind);
    result.val.push(Float32Array.from(ind, (i) => det[base + i]));
    result.tags.push(Array.from(ind, (i) => maps.tag.slice((tagMap * h * w + i) * L, (tagMap * h * w + i + 1) * L)));
  }
  return result;
}

/** numpy's float32 pairwise summation (the reduce loop of a contiguous or 1-D strided axis). */
export function pairwiseSumF32(a: ArrayLike<number>, start = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f32(res + a[start + i]);
    return res;
  }
  if (n <= 128) {
    const r = Array.from({ length: 8 }, (_, j) => f32(a[start + j]));
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = f32(r[j] + a[start + i + j]);
    let res = f32(f32(f32(r[0] + r[1]) + f32(r[2] + r[3])) + f32(f32(r[4] + r[5]) + f32(r[6] + r[7])));
    for (; i < n; i++) res = f32(res + a[start + i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f32(pairwiseSumF32(a, start, n2) + pairwiseSumF32(a, start + n2, n - n2));
}

/**
 * np.mean(list of float32 rows, axis=0) in float32. numpy sums one tag value per row pairwise (the
 * axis is then contiguous) but several per row one row after another.
 */
function meanRows(rows: Float32Array[], L: number): Float32Array {
  const out = new Float32Array(L);
  if (L === 1) {
    out[0] = f32(pairwiseSumF32(rows.map((r) => r[0])) / rows.length);
    return out;
  }
  for (let l = 0; l < L; l++) {
    let s = 0;
    for (const r of rows) s = f32(s + r[l]);
    out[l] = f32(s / rows.length);
  }
  return out;
}

/** `match_by_tag`: people as arrays of J rows [x, y, val, ...tags] (float64 until the final float32 cast). */
export function matchByTag(top: TopK, maps: HeatmapsAndTags, params: ParserParams): GroupedPerson[] {
  const J = params.numJoints;
  const L = maps.tagDim;
  const w = maps.width;
  // Python dict keyed by the first tag value: insertion-ordered, equal keys merge.
  const jointDict = new Map<number, Float64Array[]>();
  const tagDict = new Map<number, Float32Array[]>();
  const person = () => Array.from({ length: J }, () => new Float64Array(3 + L));
  for (const [i, idx] of jointOrder(J).entries()) {
    const rows: Float64Array[] = [];
    const tags: Float32Array[] = [];
    top.ind[idx].forEach((flat, n) => {
      const val = top.val[idx][n];
      if (!(val > params.detectionThreshold)) return;
      const row = new Float64Array(3 + L);
      row[0] = flat % w;
      row[1] = Math.floor(flat / w);
      row[2] = val;
      row.set(top.tags[idx][n], 3);
      rows.push(row);
      tags.push(top.tags[idx][n]);
    });
    if (!rows.length) continue;
    if (i === 0 || jointDict.size === 0) {
      rows.forEach((row, r) => {
        const key = tags[r][0];
        if (!jointDict.has(key)) jointDict.set(key, person());
        jointDict.get(key)![idx] = row;
        tagDict.set(key, [tags[r]]);
      });
      continue;
    }
    const groupedKeys = [...jointDict.keys()].slice(0, params.maxNumPeople);
    const groupedTags = groupedKeys.map((key) => meanRows(tagDict.get(key)!, L));
    if (params.ignoreTooMuch && groupedKeys.length === params.maxNumPeople) continue;
    const added = rows.length;
    const grouped = groupedKeys.length;
    const saved = rows.map((row) =>
      groupedTags.map((g) => {
        let s = 0;
        for (let l = 0; l < L; l++) {
          const d = row[3 + l] - g[l];
          s += d * d;
        }
        return Math.sqrt(s);
      }),
    );
    const cost = saved.map((ds, r) => {
      const row = params.useDetectionVal ? ds.map((d) => roundHalfEven(d) * 100 - rows[r][2]) : [...ds];
      for (let extra = grouped; extra < added; extra++) row.push(1e10);
      return row;
    });
    for (const [r, col] of munkres(cost)) {
      if (r < added && col < grouped && saved[r][col] < params.tagThreshold) {
        const key = groupedKeys[col];
        jointDict.get(key)![idx] = rows[r];
        tagDict.get(key)!.push(tags[r]);
      } else {
        const key = tags[r][0];
        if (!jointDict.has(key)) jointDict.set(key, person());
        jointDict.get(key)![idx] = rows[r];
        tagDict.set(key, [tags[r]]);
      }
    }
  }
  return [...jointDict.values()].map((p) => p.map((row) => Float32Array.from(row)));
}

/** `adjust`: each found joint moves a quarter pixel towards its higher neighbour, then +0.5. */
export function adjust(people: GroupedPerson[], maps: HeatmapsAndTags): void {
  const { det, height: h, width: w } = maps;
  for (const person of people) {
    person.forEach((joint, j) => {
      if (!(joint[2] > 0)) return;
      let x = joint[0];
      let y = joint[1];
      const col = Math.trunc(x);
      const row = Math.trunc(y);
      const at = (yy: number, xx: number) => det[(j * h + yy) * w + xx];
      x += at(row, Math.min(col + 1, w - 1)) > at(row, Math.max(col - 1, 0)) ? 0.25 : -0.25;
      y += at(Math.min(row + 1, h - 1), col) > at(Math.max(0, row - 1), col) ? 0.25 : -0.25;
      joint[0] = x + 0.5;
      joint[1] = y + 0.5;
    });
  }
}

/** `refine`: fills joints a person lacks with the best location near the person's mean tag. */
export function refine(person: GroupedPerson, maps: HeatmapsAndTags, params: ParserParams): void {
  const { det, tag, height: h, width: w, tagDim: L } = maps;
  const J = params.numJoints;
  const tagAt = (j: number, y: number, x: number) => {
    const m = params.tagPerJoint ? j : 0;
    const o = ((m * h + y) * w + x) * L;
    return tag.subarray(o, o + L);
  };
  const found: Float32Array[] = [];
  person.forEach((joint, j) => {
    if (joint[2] > 0) found.push(tagAt(j, Math.trunc(joint[1]), Math.trunc(joint[0])));
  });
  if (!found.length) return;
  const prev = meanRows(found, L);
  const squares = new Float32Array(L);
  for (let j = 0; j < J; j++) {
    // Only a joint the person lacks can change (the official code computes and drops the rest).
    if (person[j][2] !== 0) continue;
    const base = j * h * w;
    const tagBase = (params.tagPerJoint ? j : 0) * h * w * L;
    let best = -Infinity;
    let bestAt = 0;
    for (let p = 0; p < h * w; p++) {
      // det − round(dist) ≤ det: a pixel whose det is not above the best so far cannot win.
      if (!(det[base + p] > best)) continue;
      // float32 as numpy: ((tag − prev)² summed) ** 0.5, rounded half to even.
      let s = 0;
      if (L < 8) {
        for (let l = 0; l < L; l++) {
          const d = f32(tag[tagBase + p * L + l] - prev[l]);
          s = f32(s + f32(d * d));
        }
      } else {
        for (let l = 0; l < L; l++) {
          const d = f32(tag[tagBase + p * L + l] - prev[l]);
          squares[l] = f32(d * d);
        }
        s = pairwiseSumF32(squares);
      }
      const v = f32(det[base + p] - roundHalfEven(f32(Math.sqrt(s))));
      if (v > best) {
        best = v;
        bestAt = p;
      }
    }
    const yy = Math.floor(bestAt / w);
    const xx = bestAt % w;
    const val = det[base + bestAt];
    const at = (r: number, c: number) => det[base + r * w + c];
    const x = xx + 0.5 + (at(yy, Math.min(xx + 1, w - 1)) > at(yy, Math.max(xx - 1, 0)) ? 0.25 : -0.25);
    const y = yy + 0.5 + (at(Math.min(yy + 1, h - 1), xx) > at(Math.max(0, yy - 1), xx) ? 0.25 : -0.25);
    if (val > 0) {
      person[j][0] = x;
      person[j][1] = y;
      person[j][2] = val;
    }
  }
}

/** `HeatmapParser.parse` for one image: the grouped people and their scores (mean joint score after adjust). */
export function parseHeatmaps(
  maps: HeatmapsAndTags,
  params: ParserParams,
  options: { adjust: boolean; refine: boolean },
): { people: GroupedPerson[]; scores: number[] } {
  const J = params.numJoints;
  const expectTag = (params.tagPerJoint ? J : 1) * maps.height * maps.width * maps.tagDim;
  if (maps.det.length !== J * maps.height * maps.width || maps.tag.length !== expectTag) {
    throw new Error(
      `parseHeatmaps: det has ${maps.det.length} values and tag ${maps.tag.length}; expected ${J}×${maps.height}×${maps.width} and ` +
        `${params.tagPerJoint ? J : 1}×${maps.height}×${maps.width}×${maps.tagDim}`,
    );
  }
  const people = matchByTag(topK(maps, params), maps, params);
  if (options.adjust) adjust(people, maps);
  // `i[:, 2].mean()` in float32 (pairwise sum).
  const scores = people.map((p) => f32(pairwiseSumF32(p.map((joint) => joint[2])) / J));
  if (options.refine) for (const p of people) refine(p, maps, params);
  return { people, scores };
}
