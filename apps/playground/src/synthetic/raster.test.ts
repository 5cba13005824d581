import { describe, expect, it } from 'vitest';
import { createLayer, fillCapsule, fillDisc, fillPolygon, type PartLayer } from './raster.js';

const count = (layer: PartLayer, part?: number) => layer.parts.filter((p) => (part === undefined ? p !== 0 : p === part)).length;

describe('rasterisation (pixel centres at integer coordinates)', () => {
  it('fills a disc of radius 2: the 13 centres within distance 2', () => {
    const layer = createLayer(11, 11);
    fillDisc(layer, { x: 5, y: 5 }, 2, 1);
    expect(count(layer)).toBe(13);
    expect([layer.x0, layer.y0, layer.x1, layer.y1]).toEqual([3, 3, 7, 7]);
  });

  it('fills a capsule: a 3-pixel-thick bar plus one pixel at each round end', () => {
    const layer = createLayer(12, 12);
    fillCapsule(layer, { x: 2, y: 5 }, { x: 8, y: 5 }, 1, 4);
    expect(count(layer, 4)).toBe(7 * 3 + 2);
    expect([layer.x0, layer.x1, layer.y0, layer.y1]).toEqual([1, 9, 4, 6]);
  });

  it('fills a polygon by the even-odd rule and clips to the image', () => {
    const layer = createLayer(4, 4);
    fillPolygon(layer, [{ x: 0.5, y: 0.5 }, { x: 5.5, y: 0.5 }, { x: 5.5, y: 2.5 }, { x: 0.5, y: 2.5 }], 2);
    // x 1..3 (clipped at 3), y 1..2
    expect(count(layer, 2)).toBe(6);
    expect(() => fillPolygon(layer, [{ x: 0, y: 0 }, { x: 1, y: 1 }], 1)).toThrow(/at least 3 points, got 2/);
  });

  it('draws details only over the given part', () => {
    const layer = createLayer(9, 9);
    fillDisc(layer, { x: 2, y: 4 }, 1, 1);
    fillDisc(layer, { x: 4, y: 4 }, 4, 3, 1);
    expect(count(layer, 3)).toBe(5);
    expect(count(layer, 1)).toBe(0);
  });
});
