import { describe, expect, it } from 'vitest';
import { evaluateImg, type EvalDt, type EvalGt } from './evaluate-image.js';

const ALL: [number, number] = [0, 1e10];
const THRS = [0.5, 0.6, 0.7];
const gtOf = (id: number, extra: Partial<EvalGt> = {}): EvalGt => ({ id, area: 100, iscrowd: 0, ignore: false, ...extra });
const dtOf = (id: number, score: number, area = 100): EvalDt => ({ id, score, area });

describe('evaluateImg (COCOeval.evaluateImg)', () => {
  it('matches when IoU >= the threshold (equal counts) and not above it', () => {
    const e = evaluateImg(1, 1, [gtOf(7)], [dtOf(3, 0.9)], [[0.6]], ALL, 100, THRS);
    expect(e?.dtMatches).toEqual([[7], [7], [0]]);
    expect(e?.gtMatches).toEqual([[3], [3], [0]]);
    expect(e?.dtIgnore).toEqual([[0], [0], [0]]);
  });

  it('gives each regular gt to one detection (highest score first); the second one stays unmatched', () => {
    const e = evaluateImg(1, 1, [gtOf(7)], [dtOf(1, 0.9), dtOf(2, 0.8)], [[0.8], [0.95]], ALL, 100, [0.5]);
    expect(e?.dtMatches).toEqual([[7, 0]]);
    expect(e?.dtScores).toEqual([0.9, 0.8]);
  });

  it('takes the best IoU among free gts', () => {
    const e = evaluateImg(1, 1, [gtOf(7), gtOf(8)], [dtOf(1, 0.9)], [[0.55, 0.75]], ALL, 100, [0.5]);
    expect(e?.dtMatches).toEqual([[8]]);
    expect(e?.gtMatches).toEqual([[0, 1]]);
  });

  it('lets a crowd gt absorb any number of detections, which become ignored', () => {
    const crowd = gtOf(9, { iscrowd: 1, ignore: true });
    const e = evaluateImg(1, 1, [crowd, gtOf(7)], [dtOf(1, 0.9), dtOf(2, 0.8), dtOf(3, 0.7)], [[1, 0], [1, 0], [0, 0.9]], ALL, 100, [0.5]);
    // Ignored gts are sorted last: gtIds [7, 9].
    expect(e?.gtIds).toEqual([7, 9]);
    expect(e?.gtIgnore).toEqual([0, 1]);
    expect(e?.dtMatches).toEqual([[9, 9, 7]]);
    expect(e?.dtIgnore).toEqual([[1, 1, 0]]);
    expect(e?.gtMatches).toEqual([[3, 2]]); // the crowd keeps the last detection it absorbed
  });

  it('prefers a regular gt over an ignored one with higher IoU, falling back to it only when no regular qualifies', () => {
    const crowd = gtOf(9, { iscrowd: 1, ignore: true });
    const e = evaluateImg(1, 1, [crowd, gtOf(7)], [dtOf(1, 0.9)], [[0.9, 0.6]], ALL, 100, THRS);
    expect(e?.dtMatches).toEqual([[7], [7], [9]]);
    expect(e?.dtIgnore).toEqual([[0], [0], [1]]);
  });

  it('ignores gts and unmatched detections whose area is outside the range', () => {
    const small: [number, number] = [0, 32 ** 2];
    const e = evaluateImg(1, 1, [gtOf(7, { area: 2000 }), gtOf(8, { area: 500 })], [dtOf(1, 0.9, 2000), dtOf(2, 0.8, 2000), dtOf(3, 0.7, 500)], [[0.9, 0], [0, 0], [0, 0.2]], small, 100, [0.5]);
    expect(e?.gtIds).toEqual([8, 7]);
    expect(e?.gtIgnore).toEqual([0, 1]);
    // dt 1 matched the out-of-range gt → ignored; dt 2 unmatched and too large → ignored; dt 3 is a false positive.
    expect(e?.dtMatches).toEqual([[7, 0, 0]]);
    expect(e?.dtIgnore).toEqual([[1, 1, 0]]);
  });

  it('keeps only the first maxDet detections and returns null when the image has nothing', () => {
    const e = evaluateImg(1, 1, [gtOf(7)], [dtOf(1, 0.9), dtOf(2, 0.8)], [[0.1], [0.99]], ALL, 1, [0.5]);
    expect(e?.dtIds).toEqual([1]);
    expect(e?.dtMatches).toEqual([[0]]);
    expect(evaluateImg(1, 1, [], [], [], ALL, 100, THRS)).toBeNull();
    const noGt = evaluateImg(1, 1, [], [dtOf(1, 0.5)], [], ALL, 100, [0.5]);
    expect(noGt?.dtMatches).toEqual([[0]]);
    expect(noGt?.dtIgnore).toEqual([[0]]);
  });
});
