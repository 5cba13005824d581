export { SegLastLayer, SegModel } from './seg-model.js';
