export { BasicBlock, type BatchNormMode, BlockSequence, Bottleneck, makeBlocks, type ResidualBlock } from './blocks.js';
export { DownsamplePath, type FusePath, type FuseRow, HighResolutionModule, UpsamplePath } from './high-resolution-module.js';
export { HRNetBackbone, type Intermediates, layer1Channels } from './hrnet-backbone.js';
export { resizeBilinearLikeTorch, upsampleNearest } from './resize.js';
export { NewBranch, Transition, type TransitionPath } from './transition.js';
