const f32 = Math.fround;

/** mmdet 2.x `AnchorGenerator` settings (the `anchor_generator` dict of a dense head). */
export interface AnchorGeneratorConfig {
  /** Feature-map stride of each level (square strides). */
  strides: number[];
  /** Height/width ratios. */
  ratios: number[];
  /** Anchor scales relative to the base size. */
  scales: number[];
  /** Base size per level; defaults to the strides. */
  baseSizes?: number[];
  /** Anchor centre as a fraction of the stride (0 in mmdet 2.x: anchors centred on pixel corners). */
  centerOffset?: number;
  /** true: ratio-major order (ratios outer, scales inner), mmdet's default. */
  scaleMajor?: boolean;
}

/**
 * mmdet 2.x `AnchorGenerator` (v2 conventions: no "+1" widths, no rounding, centre offset 0), in
 * float32 like PyTorch. Anchors of one level are ordered (y, x, anchor), matching the RPN output
 * permuted to HWC.
 */
export class AnchorGenerator {
  /** Base anchors per level, flat [numBaseAnchors × 4] (x1, y1, x2, y2) around the origin. */
  readonly baseAnchors: Float32Array[];

  constructor(readonly config: AnchorGeneratorConfig) {
    const { strides } = config;
    const baseSizes = config.baseSizes ?? strides;
    if (baseSizes.length !== strides.length) {
      throw new Error(`anchor_generator: ${baseSizes.length} base_sizes for ${strides.length} strides; give one per level`);
    }
    this.baseAnchors = baseSizes.map((size) => this.levelBaseAnchors(size));
  }

  /** Anchors per location (ratios × scales). */
  get numBaseAnchors(): number {
    return this.config.ratios.length * this.config.scales.length;
  }

  get numLevels(): number {
    return this.config.strides.length;
  }

  private levelBaseAnchors(size: number): Float32Array {
    const { ratios, scales, scaleMajor = true } = this.config;
    const center = f32((this.config.centerOffset ?? 0) * size);
    const hRatios = ratios.map((r) => f32(Math.sqrt(f32(r))));
    const wRatios = hRatios.map((h) => f32(1 / h));
    const out = new Float32Array(ratios.length * scales.length * 4);
    let k = 0;
    const push = (r: number, s: number) => {
      const sc = f32(scales[s]);
      const ws = f32(f32(size * wRatios[r]) * sc);
      const hs = f32(f32(size * hRatios[r]) * sc);
      out.set([f32(center - f32(0.5 * ws)), f32(center - f32(0.5 * hs)), f32(center + f32(0.5 * ws)), f32(center + f32(0.5 * hs))], k);
      k += 4;
    };
    if (scaleMajor) for (let r = 0; r < ratios.length; r++) for (let s = 0; s < scales.length; s++) push(r, s);
    else for (let s = 0; s < scales.length; s++) for (let r = 0; r < ratios.length; r++) push(r, s);
    return out;
  }

  /** All anchors of level `level` on a `height × width` feature map, flat [H·W·A × 4]. */
  gridAnchors(level: number, height: number, width: number): Float32Array {
    const base = this.baseAnchors[level];
    const stride = this.config.strides[level];
    const a = base.length / 4;
    const out = new Float32Array(height * width * a * 4);
    let k = 0;
    for (let y = 0; y < height; y++) {
      const sy = f32(y * stride);
      for (let x = 0; x < width; x++) {
        const sx = f32(x * stride);
        for (let j = 0; j < a * 4; j += 4) {
          out[k++] = f32(base[j] + sx);
          out[k++] = f32(base[j + 1] + sy);
          out[k++] = f32(base[j + 2] + sx);
          out[k++] = f32(base[j + 3] + sy);
        }
      }
    }
    return out;
  }
}
