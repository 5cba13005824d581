export { BackboneModel } from './backbone-model.js';
export { ClsModel } from './cls-model.js';
export { exportStateDict } from './export-state-dict.js';
export { compareStateDict, countProblems, type LoadOptions, loadStateDict } from './load-state-dict.js';
export { describeLoadProblems, type LoadReport, type ShapeMismatch, StateDictError } from './state-dict-error.js';
export { featureOutputs, type ForwardOptions, type OnnxExportOptions, type OnnxOutput, TaskModel } from './task-model.js';
export { ClsHead } from '../heads/cls-head.js';
