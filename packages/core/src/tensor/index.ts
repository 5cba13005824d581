export { type DType, numel, type StateDict, type TensorData, type TensorValues } from './tensor-data.js';
export { fromNCHW, toNCHW } from './layout.js';
export { concatArrays } from './concat-arrays.js';
