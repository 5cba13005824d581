export { createMultiTask, type MultiTaskHeads, MultiTaskModel, type MultiTaskResult } from './multi-task-model.js';
