export { BasicBlock, BlockSequence, Bottleneck, makeBlocks, type ResidualBlock } from './blocks.js';
export { HighResolutionModule } from './high-resolution-module.js';
export { HRNetBackbone, type Intermediates, layer1Channels } from './hrnet-backbone.js';
export { resizeBilinearLikeTorch, upsampleNearest } from './resize.js';
export { Transition } from './transition.js';
