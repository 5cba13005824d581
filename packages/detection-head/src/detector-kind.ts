import { isFcosDetector, isFcosKeys } from './fcos-config.js';
import { type TwoStageKind, twoStageKind, twoStageKindOfKeys } from './two-stage.js';

/** Which mmdet 2.x detector a dict or checkpoint describes: a two-stage kind or the one-stage FCOS. */
export type DetectorKind = TwoStageKind | 'fcos';

/** The kind of an mmdet detector dict (`roi_head` for two-stage models, an FCOSHead `bbox_head`); undefined otherwise. */
export function detectorKind(detector: Record<string, unknown> | undefined): DetectorKind | undefined {
  return twoStageKind(detector) ?? (isFcosDetector(detector) ? 'fcos' : undefined);
}

/** The kind of an mmdet checkpoint from its key names (`inspect`), see {@link twoStageKindOfKeys} and {@link isFcosKeys}. */
export function detectorKindOfKeys(keys: Iterable<string>): DetectorKind | undefined {
  const list = [...keys];
  return twoStageKindOfKeys(list) ?? (isFcosKeys(list) ? 'fcos' : undefined);
}
