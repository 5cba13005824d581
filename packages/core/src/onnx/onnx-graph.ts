import { encodeFloat16 } from '../checkpoint/float16.js';
import { type LazyBytes, ProtoWriter } from './proto-writer.js';

/** ONNX opset the graphs target (Resize / Shape-with-slicing semantics of opset ≥ 15). */
export const ONNX_OPSET = 17;
/** IR version that goes with opset 17. */
export const ONNX_IR_VERSION = 8;

/** A node attribute: integer, `{ f }` float, string, or integer list. */
export type OnnxAttribute = number | { f: number } | string | readonly number[];

/** A tensor dimension: a fixed size or a named symbolic one (`'batch'`, `'height'`). */
export type OnnxDim = number | string;

/** Storage type of the float initializers. float16 halves the file; compute stays float32 (a Cast per weight). */
export type OnnxWeightDtype = 'float32' | 'float16';

interface Initializer {
  name: string;
  dims: number[];
  /** Values, or a function computing them when the model is encoded (folded weights are never all held at once). */
  data: Float32Array | BigInt64Array | (() => Float32Array);
}

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

interface ValueInfo {
  name: string;
  dims: OnnxDim[];
}

// ONNX TensorProto.DataType values.
const FLOAT = 1;
const INT64 = 7;
const FLOAT16 = 10;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Builds one ONNX graph: modules add their nodes through it (each module's `emitOnnx` next to its
 * `forward`), then {@link encode} writes the ModelProto bytes. Value names are unique; initializers
 * can be shared by key (a conv applied to several pyramid levels is stored once).
 */
export class OnnxGraph {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly shared = new Map<string, string>();
  private readonly ownerIds = new WeakMap<object, number>();
  private nextOwnerId = 0;
  private readonly used = new Set<string>();

  /** A fresh value name based on `hint`. */
  name(hint: string): string {
    let name = hint;
    for (let i = 1; this.used.has(name); i++) name = `${hint}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Declares a float32 graph input. */
  input(name: string, dims: OnnxDim[]): string {
    if (this.used.has(name)) throw new Error(`ONNX graph: value name '${name}' is taken`);
    this.used.add(name);
    this.inputs.push({ name, dims });
    return name;
  }

  /** Exposes `value` as a float32 graph output called `name` (an Identity when the names differ). */
  output(value: string, name: string, dims: OnnxDim[]): void {
    let out = value;
    if (value !== name) {
      if (this.used.has(name)) throw new Error(`ONNX graph: output name '${name}' is taken`);
      this.used.add(name);
      this.nodes.push({ op: 'Identity', inputs: [value], outputs: [name], attributes: {} });
      out = name;
    }
    this.outputs.push({ name: out, dims });
  }

  /**
   * A float32 initializer. With `key` (owner object + part name) it is added once: the same
   * weights used twice (a conv shared by pyramid levels) are stored once.
   */
  weight(hint: string, dims: number[], data: Float32Array | (() => Float32Array), key?: { owner: object; part: string }): string {
    let id: string | undefined;
    if (key) {
      let owner = this.ownerIds.get(key.owner);
      if (owner === undefined) this.ownerIds.set(key.owner, (owner = this.nextOwnerId++));
      id = `${owner}:${key.part}`;
      const known = this.shared.get(id);
      if (known) return known;
    }
    const count = dims.reduce((a, b) => a * b, 1);
    if (typeof data !== 'function' && data.length !== count) throw new Error(`ONNX initializer '${hint}': ${data.length} values for dims [${dims}]`);
    const name = this.name(hint);
    this.initializers.push({ name, dims, data });
    if (id !== undefined) this.shared.set(id, name);
    return name;
  }

  /** An int64 constant (shapes, axes, indices). */
  int64(hint: string, values: readonly number[]): string {
    const name = this.name(hint);
    this.initializers.push({ name, dims: [values.length], data: BigInt64Array.from(values.map((v) => BigInt(v))) });
    return name;
  }

  /** A float32 1-D constant (Resize scales). */
  floats(hint: string, values: readonly number[]): string {
    const name = this.name(hint);
    this.initializers.push({ name, dims: [values.length], data: Float32Array.from(values), });
    return name;
  }

  /** Adds a node with one output and returns that output's name. `''` as an input means "omitted". */
  node(op: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, hint = op.toLowerCase()): string {
    const out = this.name(hint);
    this.nodes.push({ op, inputs, outputs: [out], attributes });
    return out;
  }

  /** Number of nodes so far (tests and diagnostics). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Node op types in order (tests). */
  opTypes(): string[] {
    return this.nodes.map((n) => n.op);
  }

  /**
   * The serialized ModelProto. With `weights: 'float16'` every float initializer with more than
   * one value is stored as float16 and cast back to float32 inside the graph (ORT folds the casts
   * at load time, so compute stays float32 and the file is half the size).
   */
  encode(options: { weights?: OnnxWeightDtype; producerVersion?: string; docString?: string } = {}): Uint8Array {
    const half = options.weights === 'float16';
    const graph = new ProtoWriter();
    const castNodes: NodeSpec[] = [];
    const inits = this.initializers.map((init) => {
      const { data } = init;
      if (data instanceof BigInt64Array) return tensorProto(init.name, init.dims, INT64, toBytes(data));
      const count = init.dims.reduce((a, b) => a * b, 1);
      if (half && count > 1) {
        const stored = `${init.name}__f16`;
        castNodes.push({ op: 'Cast', inputs: [stored], outputs: [init.name], attributes: { to: FLOAT } });
        return tensorProto(stored, init.dims, FLOAT16, lazyRaw(init.name, count, 2, () => toBytes(encodeFloat16(floatValues(data)))));
      }
      return tensorProto(init.name, init.dims, FLOAT, lazyRaw(init.name, count, 4, () => toBytes(floatValues(data))));
    });
    for (const n of [...castNodes, ...this.nodes]) graph.message(1, nodeProto(n));
    graph.string(2, 'hrnetjs');
    for (const t of inits) graph.message(5, t);
    for (const v of this.inputs) graph.message(11, valueInfo(v));
    for (const v of this.outputs) graph.message(12, valueInfo(v));
    const model = new ProtoWriter();
    model.int(1, ONNX_IR_VERSION);
    model.string(2, 'hrnetjs');
    if (options.producerVersion) model.string(3, options.producerVersion);
    if (options.docString) model.string(6, options.docString);
    model.message(7, graph);
    model.message(8, new ProtoWriter().string(1, '').int(2, ONNX_OPSET));
    return model.finish();
  }
}

function floatValues(data: Float32Array | (() => Float32Array)): Float32Array {
  return typeof data === 'function' ? data() : data;
}

/** raw_data computed when the model bytes are assembled, checked against the declared dims. */
function lazyRaw(name: string, count: number, bytesPer: number, bytes: () => Uint8Array): LazyBytes {
  return {
    length: count * bytesPer,
    write(target) {
      const b = bytes();
      if (b.length !== target.length) throw new Error(`ONNX initializer '${name}': ${b.length / bytesPer} values for ${count} elements`);
      target.set(b);
    },
  };
}

function toBytes(data: Float32Array | BigInt64Array | Uint16Array): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('ONNX export needs a little-endian host (raw_data is little-endian)');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function tensorProto(name: string, dims: number[], dataType: number, raw: Uint8Array | LazyBytes): ProtoWriter {
  const t = new ProtoWriter();
  if (dims.length > 0) t.packedInts(1, dims);
  t.int(2, dataType);
  t.string(8, name);
  if (raw instanceof Uint8Array) t.bytes(9, raw);
  else t.lazyBytes(9, raw);
  return t;
}

function nodeProto(n: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.outputs[0]);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attributes)) w.message(5, attributeProto(name, value));
  return w;
}

// AttributeProto.AttributeType values.
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

function attributeProto(name: string, value: OnnxAttribute): ProtoWriter {
  const a = new ProtoWriter().string(1, name);
  if (typeof value === 'number') a.int(3, value).int(20, ATTR_INT);
  else if (typeof value === 'string') a.string(4, value).int(20, ATTR_STRING);
  else if (Array.isArray(value)) a.packedInts(8, value).int(20, ATTR_INTS);
  else a.float(2, (value as { f: number }).f).int(20, ATTR_FLOAT);
  return a;
}

function valueInfo(v: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}
