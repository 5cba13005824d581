/** The JSON form of a demo result, shared by `pnpm demo`'s results.json and the web page (browser-safe). */
import type { DemoResult } from './demo-pipeline.js';

export type DemoRecord = ReturnType<typeof resultRecord>;

/** The JSON record of one image (boxes and keypoints in image pixels). */
export function resultRecord(file: string, result: DemoResult) {
  const round = (v: number) => Math.round(v * 100) / 100;
  const seg = result.segmentation;
  return {
    image: file,
    width: result.image.width,
    height: result.image.height,
    detections: result.detections.map((d) => ({ label: d.label, score: round(d.score), box: [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax].map(round) })),
    poses: result.poses.map((p) => ({ score: round(p.score), keypoints: Object.fromEntries(p.keypoints.map((k) => [k.name, [round(k.x), round(k.y), round(k.score)]])) })),
    segmentation: seg && Object.fromEntries(seg.classes.map((c, i) => [c, round((100 * seg.counts[i]) / seg.labels.length)])),
    timingsMs: { sharedBackbonePass: Math.round(result.timings.sharedMs), pose: Math.round(result.timings.poseMs) },
  };
}
