import type { HostTensor, OnnxSession } from './engine.js';

// The parts of an onnxruntime module (onnxruntime-node or onnxruntime-web: the same API) that the
// adapter uses, typed here so the library needs neither package's types.
export interface OrtTensorLike {
  data: unknown;
  dims: readonly number[];
  type: string;
}
export interface OrtInferenceSessionLike {
  inputNames: readonly string[];
  outputNames: readonly string[];
  run(feeds: Record<string, OrtTensorLike>, fetches: readonly string[]): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}
export type OrtTensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensorLike;

/** An onnxruntime `InferenceSession` as our {@link OnnxSession}: float32 host tensors in and out. */
export class OrtSessionAdapter implements OnnxSession {
  constructor(
    private readonly Tensor: OrtTensorConstructor,
    private readonly session: OrtInferenceSessionLike,
  ) {}

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  async run(feeds: Record<string, HostTensor>, outputs?: readonly string[]): Promise<Record<string, HostTensor>> {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new this.Tensor('float32', t.data, t.dims)]));
    const result = await this.session.run(inputs, outputs ?? this.session.outputNames);
    return Object.fromEntries(
      Object.entries(result).map(([k, t]) => {
        if (t.type !== 'float32') throw new Error(`ONNX output '${k}' is ${t.type}; expected float32`);
        return [k, { data: t.data as Float32Array, dims: [...t.dims] }];
      }),
    );
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
