/** Comparing the page's result record with the Node pipeline's (tests only): a list of readable differences. */
import type { DemoRecord } from '../../src/demo-model/index.js';

/** How close the page's numbers must be to Node's. */
export interface Tolerances {
  /** Box corners, px (when `boxIou` is not given). */
  boxPx: number;
  /** Boxes instead need IoU ≥ this with Node's box of the same label (the ONNX parity criterion). */
  boxIou?: number;
  /** Detection and pose scores. */
  score: number;
  /** Keypoint x and y, px. */
  keypointPx: number;
  /** Segmentation class shares, percentage points. */
  segPercent: number;
}

type Det = DemoRecord['detections'][number];
type PoseRecord = DemoRecord['poses'][number];

const CORNERS = ['xmin', 'ymin', 'xmax', 'ymax'] as const;
const boxGap = (a: Det, b: Det) => Math.max(...CORNERS.map((k) => Math.abs(a.box[k] - b.box[k])));
const boxText = (d: Det) => CORNERS.map((k) => d.box[k]).join(',');

/** IoU of two boxes (no +1). */
export function boxIou(a: Det['box'], b: Det['box']): number {
  const w = Math.max(0, Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin));
  const h = Math.max(0, Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin));
  const inter = w * h;
  const union = (a.xmax - a.xmin) * (a.ymax - a.ymin) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter;
  return union > 0 ? inter / union : 0;
}

function keypointGap(a: PoseRecord, b: PoseRecord): number {
  let gap = 0;
  for (const { name, x, y } of a.keypoints) {
    const other = b.keypoints.find((k) => k.name === name);
    gap = Math.max(gap, other ? Math.max(Math.abs(x - other.x), Math.abs(y - other.y)) : Infinity);
  }
  return gap;
}

/** Pairs each expected item with the closest unused actual one (order may differ on near-equal scores). */
function pairUp<T>(expected: readonly T[], actual: readonly T[], gap: (e: T, a: T) => number): Array<[T, T]> {
  const free = [...actual];
  return expected.flatMap((e) => {
    let best = -1;
    for (let i = 0; i < free.length; i++) if (best < 0 || gap(e, free[i]) < gap(e, free[best])) best = i;
    return best < 0 ? [] : [[e, free.splice(best, 1)[0]] as [T, T]];
  });
}

/** Every difference beyond the tolerances between the page's record and Node's (empty: they agree). */
export function recordDifferences(page: DemoRecord, node: DemoRecord, tol: Tolerances): string[] {
  const problems: string[] = [];
  if (page.width !== node.width || page.height !== node.height) problems.push(`image ${page.width}×${page.height}, Node ${node.width}×${node.height}`);
  const labels = (r: DemoRecord) => r.detections.map((d) => d.label).sort().join(',');
  if (labels(page) !== labels(node)) problems.push(`detected labels [${labels(page)}], Node [${labels(node)}]`);
  for (const [n, p] of pairUp(node.detections, page.detections, (a, b) => (a.label === b.label ? boxGap(a, b) : Infinity))) {
    if (tol.boxIou !== undefined) {
      const iou = boxIou(n.box, p.box);
      if (!(iou >= tol.boxIou)) problems.push(`${n.label} box [${boxText(p)}] vs Node [${boxText(n)}] (IoU ${iou.toFixed(4)} < ${tol.boxIou})`);
    } else if (!(boxGap(n, p) <= tol.boxPx)) problems.push(`${n.label} box [${boxText(p)}] vs Node [${boxText(n)}] (> ${tol.boxPx} px)`);
    if (!(Math.abs(n.score - p.score) <= tol.score)) problems.push(`${n.label} score ${p.score} vs Node ${n.score}`);
  }
  if (page.poses.length !== node.poses.length) problems.push(`${page.poses.length} poses, Node ${node.poses.length}`);
  for (const [n, p] of pairUp(node.poses, page.poses, keypointGap)) {
    const gap = keypointGap(n, p);
    if (!(gap <= tol.keypointPx)) problems.push(`pose (Node score ${n.score}): a keypoint is ${gap.toFixed(2)} px from Node's (> ${tol.keypointPx})`);
    if (!(Math.abs(n.score - p.score) <= tol.score)) problems.push(`pose score ${p.score} vs Node ${n.score}`);
  }
  if (Boolean(page.segmentation) !== Boolean(node.segmentation)) problems.push(`segmentation in the page: ${page.segmentation ? 'yes' : 'no'}, in Node: ${node.segmentation ? 'yes' : 'no'}`);
  for (const [name, share] of Object.entries(node.segmentation ?? {})) {
    const got = page.segmentation?.[name];
    if (!(got !== undefined && Math.abs(got - share) <= tol.segPercent)) problems.push(`segmentation ${name} ${got}% vs Node ${share}%`);
  }
  return problems;
}

/** The measured gaps between two agreeing records (for the test log): worst box, keypoint, score and class share. */
export function recordGaps(page: DemoRecord, node: DemoRecord): { boxPx: number; minBoxIou: number; keypointPx: number; score: number; segPercent: number } {
  const gaps = { boxPx: 0, minBoxIou: 1, keypointPx: 0, score: 0, segPercent: 0 };
  for (const [n, p] of pairUp(node.detections, page.detections, (a, b) => (a.label === b.label ? boxGap(a, b) : Infinity))) {
    gaps.boxPx = Math.max(gaps.boxPx, boxGap(n, p));
    gaps.minBoxIou = Math.min(gaps.minBoxIou, boxIou(n.box, p.box));
    gaps.score = Math.max(gaps.score, Math.abs(n.score - p.score));
  }
  for (const [n, p] of pairUp(node.poses, page.poses, keypointGap)) {
    gaps.keypointPx = Math.max(gaps.keypointPx, keypointGap(n, p));
    gaps.score = Math.max(gaps.score, Math.abs(n.score - p.score));
  }
  for (const [name, share] of Object.entries(node.segmentation ?? {})) gaps.segPercent = Math.max(gaps.segPercent, Math.abs((page.segmentation?.[name] ?? Infinity) - share));
  return gaps;
}
