export { createMultiTask, type MultiTaskHeads, type MultiTaskLosses, MultiTaskModel, type MultiTaskResult } from './multi-task-model.js';
