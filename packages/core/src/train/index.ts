export { conv2dFilterGrad, conv2dTrainable } from './conv2d-trainable.js';
export { enableTraining } from './enable-training.js';
export { fit, type FitOptions, type FitProgress } from './fit.js';
export { formatDuration, formatProgress } from './progress.js';
export { Adam, multiStepLr, type Optimizer, type OptimizerState, polyLr, SGD } from './optimizers.js';
export { trainStep } from './train-step.js';
export { setBatchNormMomentum, trainableVariablesByKey } from './variables-by-key.js';
export * from './data-parallel/index.js';
