export { readCheckpointFile, writeCheckpointFile } from './checkpoint-file.js';
export { readNpyFile, writeNpyFile } from './npy-file.js';
export { readImageFile, writePngFile } from './image-file.js';
export { readTfjsWeightsFile, writeTfjsWeightsFile } from './tfjs-weights-file.js';
export {
  createEngineRunner,
  createOrtSession,
  type EngineRunner,
  isOnnxRuntimeAvailable, loadOnnxRuntime, type OrtExecutionProvider,
  type OrtSessionOptions,
} from './onnxruntime.js';
