/**
 * @hrnetjs/core — the HRNet backbone for TensorFlow.js: every official variant, exact loading of
 * the official PyTorch checkpoints, backends and shared tensor I/O. Browser-safe; file-system
 * helpers live in `@hrnetjs/core/node`.
 */
export * from './backbone/index.js';
export * from './backend/index.js';
export * from './config/index.js';
export * from './eval/index.js';
export * from './image/index.js';
export * from './checkpoint/index.js';
export * from './io/index.js';
export * from './model/index.js';
export * from './nn/index.js';
export * from './tensor/index.js';
export * from './train/index.js';
export * from './onnx/index.js';
