/**
 * The non-person classes: a ball (shaded disc), a box (a rotated block with a lit top and a shaded
 * side) and a kite (a diamond with cross struts and a tail). Each draws into a part layer and
 * returns the colour of each part.
 */
import { detCos, detSin, rad } from './det-math.js';
import type { Rng } from './prng.js';
import { fillCapsule, fillPolygon, fillDisc, type PartLayer, type Point } from './raster.js';
import { mix, randomColour, randomTexture, type Rgb, shade } from './texture.js';

/** The colour of a part at a pixel. */
export type PartColour = (part: number, x: number, y: number) => Rgb;

/** A ball of radius `size / 2` at `centre`: a disc lit from the upper left, with a pattern. */
export function drawBall(rng: Rng, layer: PartLayer, centre: Point, size: number): PartColour {
  const r = size / 2;
  fillDisc(layer, centre, r, 1);
  const texture = randomTexture(rng, randomColour(rng, [0.5, 1], [0.6, 1]), size, ['solid', 'stripes', 'checks']);
  const light = { x: centre.x - 0.4 * r, y: centre.y - 0.4 * r };
  return (_part, x, y) => {
    const d2 = ((x - light.x) * (x - light.x) + (y - light.y) * (y - light.y)) / (r * r);
    return shade(texture(x, y), 1.2 - 0.35 * d2);
  };
}

/** A box about `size` across: a rotated front face, a lighter top face and a darker side face. */
export function drawBox(rng: Rng, layer: PartLayer, centre: Point, size: number): PartColour {
  const w = size * rng.uniform(0.6, 1);
  const h = size * rng.uniform(0.45, 0.9);
  const angle = rad(rng.uniform(-20, 20));
  const [c, s] = [detCos(angle), detSin(angle)];
  const at = (u: number, v: number): Point => ({ x: centre.x + u * c - v * s, y: centre.y + u * s + v * c });
  const depth = size * rng.uniform(0.15, 0.3);
  const dx = depth * (rng.chance(0.5) ? 0.7 : -0.7);
  const dy = -depth * 0.6;
  const [tl, tr, br, bl] = [at(-w / 2, -h / 2), at(w / 2, -h / 2), at(w / 2, h / 2), at(-w / 2, h / 2)];
  const back = (p: Point): Point => ({ x: p.x + dx, y: p.y + dy });
  fillPolygon(layer, [tl, tr, back(tr), back(tl)], 2);
  const side = dx > 0 ? [tr, br, back(br), back(tr)] : [tl, bl, back(bl), back(tl)];
  fillPolygon(layer, side, 3);
  fillPolygon(layer, [tl, tr, br, bl], 1);
  const face = randomTexture(rng, randomColour(rng, [0.3, 0.9], [0.35, 0.95]), size, ['solid', 'stripes', 'noise', 'checks']);
  return (part, x, y) => shade(face(x, y), part === 2 ? 1.3 : part === 3 ? 0.7 : 1);
}

/** A kite about `size` tall: a diamond sail, darker cross struts and a wavy tail with bows. */
export function drawKite(rng: Rng, layer: PartLayer, centre: Point, size: number): PartColour {
  const angle = rad(rng.uniform(-35, 35));
  const [c, s] = [detCos(angle), detSin(angle)];
  const at = (u: number, v: number): Point => ({ x: centre.x + u * c - v * s, y: centre.y + u * s + v * c });
  const half = size / 2;
  const width = half * rng.uniform(0.55, 0.85);
  const top = at(0, -half);
  const bottom = at(0, half);
  const crossV = -half * 0.3;
  const left = at(-width, crossV);
  const right = at(width, crossV);
  fillPolygon(layer, [top, right, bottom, left], 1);
  // The tail hangs from the bottom tip in a zigzag, with a bow at each joint.
  const tailR = Math.max(0.8, size * 0.015);
  let p = bottom;
  const segments = rng.int(3, 5);
  for (let i = 0; i < segments; i++) {
    const q = at((i % 2 === 0 ? 1 : -1) * size * 0.12, half + (i + 1) * size * 0.18);
    fillCapsule(layer, p, q, tailR, 3);
    fillDisc(layer, q, Math.max(1.2, size * 0.04), 4);
    p = q;
  }
  // Struts over the sail (drawn on the sail only).
  const strutR = Math.max(0.6, size * 0.012);
  fillCapsule(layer, top, bottom, strutR, 2, 1);
  fillCapsule(layer, left, right, strutR, 2, 1);
  const a = randomColour(rng, [0.6, 1], [0.6, 1]);
  const b = mix(a, randomColour(rng, [0.6, 1], [0.6, 1]), 0.8);
  const bow = randomColour(rng, [0.6, 1], [0.5, 1]);
  const axisX = centre.x;
  const axisY = centre.y;
  return (part, x, y) => {
    if (part === 2) return [40, 30, 25];
    if (part === 3) return [70, 60, 55];
    if (part === 4) return bow;
    // Two-colour sail split along its long axis.
    return (x - axisX) * c + (y - axisY) * s < 0 ? a : b;
  };
}
