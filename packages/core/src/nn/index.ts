export { ConvBn, type ConvBnOptions } from './conv-bn.js';
export { BatchNorm2d, BN_EPS, Conv2d, Linear, Sequential, Stateless } from './layers.js';
export { type BoundEntry, type EntryKind, Module, type StateDictEntry, toFloat32 } from './module.js';
export { createRandom, shuffledIndices } from './init.js';
export { randomizeWeights } from './randomize-weights.js';
