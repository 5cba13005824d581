export { PoseModel } from './pose-model.js';
