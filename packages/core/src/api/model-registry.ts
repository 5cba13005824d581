import type { HeadConfig, ModelConfig } from '../config/types.js';
import { ClsModel } from '../model/cls-model.js';
import type { TaskModel } from '../model/task-model.js';

/**
 * How one head package builds its models (like timm's model registry): core knows the backbone and
 * the ImageNet head; `@hrnetjs/pose-head`, `seg-head` and `detection-head` register theirs when
 * imported, so {@link loadModel} and {@link matchPreset} can build any family.
 */
export interface ModelBuilder {
  /** The head type it builds (`config.head.type`). */
  head: HeadConfig['type'];
  /** The package to import when this builder is missing (for the error message). */
  packageName: string;
  build(config: ModelConfig): TaskModel;
  /** After a strict load: take what the checkpoint's non-weight entries say (mmdet `meta.CLASSES`, …). */
  applyCheckpointMeta?(model: TaskModel, extras: Record<string, unknown>): void;
}

const PACKAGE_OF: Record<HeadConfig['type'], string> = {
  pose: '@hrnetjs/pose-head',
  seg: '@hrnetjs/seg-head',
  mmdet: '@hrnetjs/detection-head',
  cls: '@hrnetjs/core',
};

const builders = new Map<HeadConfig['type'], ModelBuilder>();

/** Registers (or replaces) the builder of one head type. Head packages call it on import. */
export function registerModelBuilder(builder: ModelBuilder): ModelBuilder {
  builders.set(builder.head, builder);
  return builder;
}

/** The builder of a head type, or a clear error naming the package to import. */
export function modelBuilder(head: HeadConfig['type']): ModelBuilder {
  const builder = builders.get(head);
  if (!builder) {
    throw new Error(`no model builder for '${head}' models: import ${PACKAGE_OF[head]} (it registers its models with @hrnetjs/core when loaded)`);
  }
  return builder;
}

/** True when a builder for this head type is registered. */
export function hasModelBuilder(head: HeadConfig['type']): boolean {
  return builders.has(head);
}

/** Builds the (unloaded) task model a config describes, through the registered builders. */
export function createModel(config: ModelConfig): TaskModel {
  return modelBuilder(config.head.type).build(config);
}

// The ImageNet classifier lives in core itself.
registerModelBuilder({ head: 'cls', packageName: '@hrnetjs/core', build: (config) => new ClsModel(config) });
