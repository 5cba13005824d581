/**
 * A simple articulated 2D skeleton of a figure facing the camera: a pelvis, a (leaning) spine,
 * shoulders and hips across it, two-segment arms and legs with random but plausible angles, a neck
 * and a head. It yields the 17 COCO keypoints plus what drawing needs (head centre, hands, feet).
 */
import { detCos, detSin, rad } from './det-math.js';
import type { Rng } from './prng.js';
import type { Point } from './raster.js';

/** Body proportions as fractions of the standing height (roughly a cartoon adult). */
export const BODY = {
  torso: 0.3,
  shoulderHalf: 0.105,
  hipHalf: 0.07,
  neck: 0.13,
  headRadius: 0.07,
  upperArm: 0.17,
  forearm: 0.15,
  thigh: 0.23,
  shin: 0.22,
} as const;

/** A posed skeleton in image coordinates. */
export interface Skeleton {
  /** Standing height in pixels (the scale every width derives from). */
  height: number;
  /** The 17 COCO keypoints in channel order (nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles). */
  keypoints: Point[];
  pelvis: Point;
  /** Midpoint of the shoulders (base of the neck). */
  neckBase: Point;
  headCentre: Point;
  headRadius: number;
  /** Unit vector from the neck towards the top of the head. */
  headUp: Point;
  /** Unit vector towards the figure's left (image right: the figure faces the camera). */
  headLeft: Point;
  /** Points just beyond the wrists (hands) and beyond the ankles (toes), left then right. */
  hands: [Point, Point];
  toes: [Point, Point];
}

/** Where to put a figure and how big. */
export interface SkeletonPlacement {
  /** Pelvis position in pixels. */
  pelvis: Point;
  /** Standing height in pixels. */
  height: number;
}

const add = (p: Point, v: Point, k: number): Point => ({ x: p.x + v.x * k, y: p.y + v.y * k });
/** Unit vector at `angle` from image-up, clockwise (y points down). */
const dirFromUp = (angle: number): Point => ({ x: detSin(angle), y: -detCos(angle) });

/**
 * Limb direction: `phi` is the angle away from hanging straight down, positive towards `out`
 * (0 = down, 90° = sideways outwards, 180° = straight up).
 */
function limbDir(down: Point, out: Point, phi: number): Point {
  const c = detCos(phi);
  const s = detSin(phi);
  return { x: down.x * c + out.x * s, y: down.y * c + out.y * s };
}

/** Arm angles: mostly relaxed, sometimes raised or overhead (degrees: upper arm, elbow bend). */
function sampleArm(rng: Rng): [number, number] {
  const mode = rng.weighted([4, 3, 2, 1]);
  const upper = [rng.uniform(-20, 35), rng.uniform(35, 110), rng.uniform(110, 175), rng.uniform(-40, 60)][mode];
  // Mode 3 folds the forearm across the body.
  const bend = mode === 3 ? rng.uniform(90, 150) : rng.uniform(0, 120);
  return [upper, rng.chance(0.5) ? bend : -bend];
}

/** Leg angles: standing, striding or kicking / sitting (degrees: thigh, knee bend). */
function sampleLeg(rng: Rng): [number, number] {
  const mode = rng.weighted([5, 3, 1]);
  const thigh = [rng.uniform(-8, 18), rng.uniform(-25, 40), rng.uniform(40, 100)][mode];
  const knee = mode === 2 ? rng.uniform(20, 110) : rng.uniform(0, 45);
  // The shin swings back towards vertical.
  return [thigh, -knee];
}

/** A random plausible pose at the given place and size. */
export function sampleSkeleton(rng: Rng, { pelvis, height: h }: SkeletonPlacement): Skeleton {
  const lean = rad(rng.normal(0, 8));
  const up = dirFromUp(lean);
  const down = { x: -up.x, y: -up.y };
  const left = { x: -up.y, y: up.x }; // up rotated +90° clockwise: image right when upright
  // Turning the body narrows the shoulders and hips (a cheap yaw).
  const turn = rng.uniform(0.65, 1);
  const neckBase = add(pelvis, up, BODY.torso * h);
  const headUp = dirFromUp(lean + rad(rng.normal(0, 10)));
  const headLeft = { x: -headUp.y, y: headUp.x };
  const headRadius = BODY.headRadius * h;
  const headCentre = add(neckBase, headUp, BODY.neck * h);
  const yaw = rng.uniform(-0.25, 0.25) * headRadius;
  const face = (side: number, upOffset: number): Point => add(add(headCentre, headLeft, side * headRadius + yaw), headUp, upOffset * headRadius);

  const shoulderL = add(neckBase, left, BODY.shoulderHalf * h * turn);
  const shoulderR = add(neckBase, left, -BODY.shoulderHalf * h * turn);
  const hipL = add(pelvis, left, BODY.hipHalf * h * turn);
  const hipR = add(pelvis, left, -BODY.hipHalf * h * turn);
  const right = { x: -left.x, y: -left.y };

  const arm = (shoulder: Point, out: Point) => {
    const [upper, bend] = sampleArm(rng);
    const elbow = add(shoulder, limbDir(down, out, rad(upper)), BODY.upperArm * h);
    const fore = limbDir(down, out, rad(upper + bend));
    const wrist = add(elbow, fore, BODY.forearm * h);
    return { elbow, wrist, hand: add(wrist, fore, 0.035 * h) };
  };
  const leg = (hip: Point, out: Point) => {
    const [thigh, knee] = sampleLeg(rng);
    const kneeP = add(hip, limbDir(down, out, rad(thigh)), BODY.thigh * h);
    const ankle = add(kneeP, limbDir(down, out, rad(thigh + knee)), BODY.shin * h);
    // Feet point outwards, as in a frontal stance.
    return { knee: kneeP, ankle, toe: add(add(ankle, out, 0.055 * h), down, 0.015 * h) };
  };
  const armL = arm(shoulderL, left);
  const armR = arm(shoulderR, right);
  const legL = leg(hipL, left);
  const legR = leg(hipR, right);

  const keypoints = [
    face(0, -0.1), // nose
    face(0.38, 0.22), // left eye (image right)
    face(-0.38, 0.22),
    face(0.95, 0), // left ear
    face(-0.95, 0),
    shoulderL, shoulderR, armL.elbow, armR.elbow, armL.wrist, armR.wrist,
    hipL, hipR, legL.knee, legR.knee, legL.ankle, legR.ankle,
  ];
  return {
    height: h,
    keypoints,
    pelvis,
    neckBase,
    headCentre,
    headRadius,
    headUp,
    headLeft,
    hands: [armL.hand, armR.hand],
    toes: [legL.toe, legR.toe],
  };
}
