/**
 * Draws a posed skeleton as a recognisable figure: capsule limbs, a torso polygon, neck, head disc
 * with ears, hair and a face, hands and feet — each a part id so it can get its own colour.
 */
import type { Rng } from './prng.js';
import { fillCapsule, fillDisc, fillPolygon, type PartLayer, type Point } from './raster.js';
import type { Skeleton } from './skeleton.js';
import { hsvToRgb, mix, randomColour, randomTexture, type Rgb, shade, type Texture } from './texture.js';

/** Part ids of a figure's layer. */
export const FIGURE_PART = {
  torso: 1, neck: 2, head: 3, upperArmL: 4, forearmL: 5, upperArmR: 6, forearmR: 7,
  thighL: 8, shinL: 9, thighR: 10, shinR: 11, handL: 12, handR: 13, footL: 14, footR: 15,
  eyes: 16, nose: 17, hair: 18, ears: 19,
} as const;

/** Face details: no outline is drawn between them and the head. */
export const FIGURE_DETAIL_PARTS: ReadonlySet<number> = new Set([FIGURE_PART.eyes, FIGURE_PART.nose, FIGURE_PART.hair]);

const P = FIGURE_PART;

/** A pixel radius that stays visible on the smallest figures. */
const radius = (h: number, fraction: number, min = 1.2) => Math.max(min, fraction * h);

/** Rasterises the figure; later parts cover earlier ones (arms in front of the torso). */
export function drawFigure(layer: PartLayer, s: Skeleton): void {
  const h = s.height;
  const k = s.keypoints;
  const [shL, shR, elL, elR, wrL, wrR, hipL, hipR, knL, knR, anL, anR] = k.slice(5);
  const widen = (p: Point, from: Point, amount: number): Point => {
    const dx = p.x - from.x;
    const dy = p.y - from.y;
    const len = Math.sqrt(dx * dx + dy * dy) || 1;
    return { x: p.x + (dx / len) * amount, y: p.y + (dy / len) * amount };
  };
  // Legs behind the torso.
  fillCapsule(layer, hipR, knR, radius(h, 0.05), P.thighR);
  fillCapsule(layer, knR, anR, radius(h, 0.04), P.shinR);
  fillCapsule(layer, hipL, knL, radius(h, 0.05), P.thighL);
  fillCapsule(layer, knL, anL, radius(h, 0.04), P.shinL);
  fillCapsule(layer, anR, s.toes[1], radius(h, 0.028), P.footR);
  fillCapsule(layer, anL, s.toes[0], radius(h, 0.028), P.footL);
  // Torso: shoulders to (slightly wider) hips, with rounded shoulders.
  const pelvisMid = s.pelvis;
  fillPolygon(layer, [shR, shL, widen(hipL, pelvisMid, 0.035 * h), widen(hipR, pelvisMid, 0.035 * h)], P.torso);
  fillCapsule(layer, shL, shR, radius(h, 0.04), P.torso);
  fillCapsule(layer, s.neckBase, s.headCentre, radius(h, 0.032), P.neck);
  // Head with ears, hair on the crown, eyes and nose.
  const r = s.headRadius;
  const at = (side: number, up: number): Point => ({
    x: s.headCentre.x + s.headLeft.x * side * r + s.headUp.x * up * r,
    y: s.headCentre.y + s.headLeft.y * side * r + s.headUp.y * up * r,
  });
  fillDisc(layer, at(1, 0), Math.max(1, 0.28 * r), P.ears);
  fillDisc(layer, at(-1, 0), Math.max(1, 0.28 * r), P.ears);
  fillDisc(layer, s.headCentre, r, P.head);
  fillDisc(layer, at(0, 1.05), 0.85 * r, P.hair, P.head);
  const eyeR = Math.max(0.6, 0.13 * r);
  fillDisc(layer, k[1], eyeR, P.eyes, P.head);
  fillDisc(layer, k[2], eyeR, P.eyes, P.head);
  fillDisc(layer, k[0], Math.max(0.5, 0.11 * r), P.nose, P.head);
  // Arms in front.
  for (const [shoulder, elbow, wrist, hand, upper, fore, handPart] of [
    [shR, elR, wrR, s.hands[1], P.upperArmR, P.forearmR, P.handR],
    [shL, elL, wrL, s.hands[0], P.upperArmL, P.forearmL, P.handL],
  ] as const) {
    fillCapsule(layer, shoulder, elbow, radius(h, 0.036), upper);
    fillCapsule(layer, elbow, wrist, radius(h, 0.03), fore);
    fillDisc(layer, hand, radius(h, 0.034), handPart);
  }
}

/** Skin tones (light to dark) the figures draw from. */
const SKIN_TONES: readonly Rgb[] = [[241, 205, 176], [224, 172, 135], [198, 134, 96], [141, 85, 54], [92, 58, 38]];

/**
 * A random outfit for a figure: skin, hair, shirt and trousers textures, sleeve and leg lengths.
 * The figure's left limbs are drawn a little lighter and its right limbs darker, a consistent cue
 * for telling left from right when limbs cross.
 */
export function randomFigureStyle(rng: Rng, height: number): (part: number, x: number, y: number) => Rgb {
  const skin = mix(rng.pick(SKIN_TONES), randomColour(rng), 0.1);
  const hair = hsvToRgb(rng.uniform(0.02, 0.12), rng.uniform(0.3, 0.8), rng.uniform(0.08, 0.6));
  const shirt: Texture = randomTexture(rng, randomColour(rng, [0.4, 1], [0.35, 1]), height * 0.3, ['solid', 'solid', 'stripes', 'checks', 'noise']);
  const trousers: Texture = randomTexture(rng, randomColour(rng, [0.2, 0.9], [0.15, 0.7]), height * 0.3, ['solid', 'solid', 'noise', 'stripes']);
  const shoes = randomColour(rng, [0, 0.6], [0.05, 0.4]);
  const longSleeves = rng.chance(0.5);
  const shorts = rng.chance(0.3);
  const eye: Rgb = [25, 20, 20];
  const nose = shade(skin, 0.78);
  return (part, x, y) => {
    switch (part) {
      case P.torso: return shirt(x, y);
      case P.neck: case P.head: case P.ears: return skin;
      case P.hair: return hair;
      case P.eyes: return eye;
      case P.nose: return nose;
      case P.upperArmL: return shade(shirt(x, y), 1.12);
      case P.upperArmR: return shade(shirt(x, y), 0.86);
      case P.forearmL: return shade(longSleeves ? shirt(x, y) : skin, 1.12);
      case P.forearmR: return shade(longSleeves ? shirt(x, y) : skin, 0.86);
      case P.handL: return shade(skin, 1.08);
      case P.handR: return shade(skin, 0.9);
      case P.thighL: return shade(trousers(x, y), 1.12);
      case P.thighR: return shade(trousers(x, y), 0.86);
      case P.shinL: return shade(shorts ? skin : trousers(x, y), 1.12);
      case P.shinR: return shade(shorts ? skin : trousers(x, y), 0.86);
      case P.footL: return shade(shoes, 1.15);
      case P.footR: return shoes;
      default: throw new RangeError(`figure style: unknown part ${part}`);
    }
  };
}
