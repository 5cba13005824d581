/** The JSON form of a demo result, shared by `pnpm demo`'s results.json and the web page (browser-safe). */
import type { Box } from '@hrnetjs/core';
import type { DemoResult } from './demo-pipeline.js';

const round = (v: number) => Math.round(v * 100) / 100;

/** The corners of a box (the core `Box` shape every JSON output uses), to 0.01 px. */
function roundBox(box: Box): Box {
  const out: Box = { xmin: round(box.xmin), ymin: round(box.ymin), xmax: round(box.xmax), ymax: round(box.ymax) };
  if (box.score !== undefined) out.score = round(box.score);
  return out;
}

export type DemoRecord = ReturnType<typeof resultRecord>;

/** The JSON record of one image (boxes `{xmin, ymin, xmax, ymax}` and keypoints `{name, x, y, score}` in image pixels). */
export function resultRecord(file: string, result: DemoResult) {
  const seg = result.segmentation;
  return {
    image: file,
    width: result.image.width,
    height: result.image.height,
    detections: result.detections.map((d) => ({ label: d.label, score: round(d.score), box: roundBox(d.box) })),
    poses: result.poses.map((p) => ({
      score: round(p.score),
      box: roundBox(p.box),
      keypoints: p.keypoints.map((k) => ({ name: k.name, x: round(k.x), y: round(k.y), score: round(k.score) })),
    })),
    segmentation: seg && Object.fromEntries(seg.classes.map((c, i) => [c, round((100 * seg.counts[i]) / seg.labels.length)])),
    timingsMs: { sharedBackbonePass: Math.round(result.timings.sharedMs), pose: Math.round(result.timings.poseMs) },
  };
}
