import { readBatchNorm, readBoolean, readChoice } from './config-values.js';
import { readFamily } from './family-defaults.js';
import type { BackboneConfig, HRFPNConfig, ModelFamily } from './types.js';

/** Caller overrides for {@link parseModelConfig} / {@link resolveModelConfig}. */
export interface ParseConfigOptions {
  /** Family to build; wins over `MODEL.NAME` and the clues in the file (the CLI's `--family`). */
  family?: ModelFamily;
  /** Name for messages; default: preset id, `MODEL.NAME`, the mmdet model type or `name` in our JSON. */
  name?: string;
  /** BatchNorm flavour, e.g. 'inplace-abn' for a `*_torch04` seg checkpoint; wins over the file. */
  batchNorm?: BackboneConfig['batchNorm'];
  /** Bilinear align_corners (seg); wins over `MODEL.ALIGN_CORNERS` and the branch default. */
  alignCorners?: boolean;
  /** HRFPN state_dict naming; wins over `neck.key_style` and the inference from the dict. */
  neckKeyStyle?: HRFPNConfig['keyStyle'];
}

/** Options checked at run time too: they often come straight from a CLI or untyped JS. */
export function checkParseOptions(options: ParseConfigOptions | undefined): ParseConfigOptions {
  const o = options ?? {};
  return {
    family: o.family === undefined ? undefined : readFamily(o.family, 'options.family'),
    name: o.name,
    batchNorm: o.batchNorm === undefined ? undefined : readBatchNorm(o.batchNorm, 'options.batchNorm'),
    alignCorners: o.alignCorners === undefined ? undefined : readBoolean(o.alignCorners, 'options.alignCorners'),
    neckKeyStyle:
      o.neckKeyStyle === undefined
        ? undefined
        : readChoice(o.neckKeyStyle, 'options.neckKeyStyle', ['mmdet2', 'hrnet-det'] as const),
  };
}
