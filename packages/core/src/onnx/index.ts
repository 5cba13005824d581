export { ONNX_IR_VERSION, ONNX_OPSET, type OnnxAttribute, type OnnxDim, OnnxGraph, type OnnxWeightDtype } from './onnx-graph.js';
export { resizeBilinearLikeOnnx, sumOnnx, upsampleNearestOnnx } from './ops.js';
export { ProtoWriter } from './proto-writer.js';
export { type EngineName, type HostTensor, type NetworkRunner, type OnnxSession, onnxRunner, tfjsRunner } from './engine.js';
export { createOrtWebSession, type OrtWebExecutionProvider, type OrtWebModule, type OrtWebSession, type OrtWebSessionOptions } from './ort-web.js';
