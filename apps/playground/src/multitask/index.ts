export { createMultiTask, type MultiTaskHeads, type MultiTaskLosses, MultiTaskModel, type MultiTaskOnnxSessions, type MultiTaskResult } from './multi-task-model.js';
