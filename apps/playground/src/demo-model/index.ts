/**
 * The playground's demo (browser-safe): the demo models and their weights' file names, the
 * end-to-end pipeline, the JSON record, sample images and overlay colours. Node-only scripts
 * (train-demo, eval-demo, demo, write-samples) import from the files directly.
 */
export { DEMO_DETECTOR_CLASSES, DEMO_SCENE, DEMO_SEG_CLASSES, DEMO_SEG_PALETTE, EVAL_SEED_BASE, multiTaskConfig, poseConfig } from './demo-config.js';
export { createDemoMultiTask, createDemoPose, DEMO_WEIGHT_FILES, loadDemoModels } from './demo-models.js';
export { type DemoModels, type DemoOptions, type DemoResult, type DemoSegmentation, runDemo } from './demo-pipeline.js';
export { type DemoRecord, resultRecord } from './demo-record.js';
export { evaluateDemo, type DemoQuality } from './evaluate-demo.js';
export { DEMO_SAMPLES, type DemoSample, sampleSceneOptions } from './samples.js';
