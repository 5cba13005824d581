import { CheckpointError } from './errors.js';
import { STORAGE_CLASS_DTYPE, UNSUPPORTED_STORAGE_CLASSES } from './dtypes.js';
import {
  describeValue,
  OpaqueObject,
  PyGlobal,
  PyOrderedDict,
  StorageRef,
  TensorRef,
  type GlobalKind,
} from './pickle-values.js';

/** Python-2 module names pickles may use, mapped the way Python 3's unpickler does. */
const MODULE_RENAMES: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
};

/** The allow-list: `module.name` → what it stands for. Everything else is refused. */
const ALLOWED: ReadonlyMap<string, GlobalKind> = new Map<string, GlobalKind>([
  ['collections.OrderedDict', 'ordered-dict'],
  ['torch._utils._rebuild_tensor', 'rebuild-tensor'],
  ['torch._utils._rebuild_tensor_v2', 'rebuild-tensor-v2'],
  ['torch._utils._rebuild_parameter', 'rebuild-parameter'],
  ['torch._utils._rebuild_parameter_with_state', 'rebuild-parameter-with-state'],
  ['torch.nn.parameter.Parameter', 'parameter'],
  ['torch._tensor._rebuild_from_type_v2', 'rebuild-from-type-v2'],
  ['torch._tensor.Tensor', 'tensor-class'],
  ['torch.Tensor', 'tensor-class'],
  ['torch.Size', 'size'],
  ['torch.device', 'device'],
  ['builtins.set', 'set'],
  ['builtins.frozenset', 'frozenset'],
  ['builtins.bytearray', 'bytearray'],
  ['_codecs.encode', 'codecs-encode'],
  // mmcv/mmdet `meta` dicts may hold numpy scalars; they become inert placeholders (never built).
  ['numpy.core.multiarray.scalar', 'opaque-factory'],
  ['numpy._core.multiarray.scalar', 'opaque-factory'],
  ['numpy.dtype', 'opaque-factory'],
]);

const TORCH_DTYPES = new Set(
  'float16 float32 float64 bfloat16 half float double int64 int32 int16 int8 uint8 bool long int short'.split(' '),
);

/** Resolves GLOBAL / STACK_GLOBAL through the allow-list; throws UNSAFE_GLOBAL otherwise. */
export function resolveGlobal(rawModule: string, name: string, offset: number): PyGlobal {
  const module = MODULE_RENAMES[rawModule] ?? rawModule;
  const qualified = `${module}.${name}`;
  const kind = ALLOWED.get(qualified);
  if (kind !== undefined) return new PyGlobal(module, name, kind);
  if (module === 'torch' || module === 'torch.cuda') {
    const dtype = STORAGE_CLASS_DTYPE[name];
    if (dtype !== undefined) return new PyGlobal(module, name, 'storage-class', dtype);
    if (UNSUPPORTED_STORAGE_CLASSES.has(name)) {
      throw new CheckpointError('UNSUPPORTED', `storage class ${qualified} is not supported`, { offset });
    }
    if (module === 'torch' && TORCH_DTYPES.has(name)) return new PyGlobal(module, name, 'dtype');
  }
  throw new CheckpointError(
    'UNSAFE_GLOBAL',
    `pickle references forbidden global ${qualified}; only torch tensor/storage rebuilders, ` +
      'OrderedDict and plain containers are allowed, nothing is executed',
    { offset },
  );
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function indexList(value: unknown, what: string, offset: number): number[] {
  if (!Array.isArray(value) || !value.every(isIndex)) {
    throw new CheckpointError('CORRUPT', `tensor ${what} must be a tuple of non-negative integers, got ${describeValue(value)}`, { offset });
  }
  return value.slice();
}

function tensorRef(args: readonly unknown[], offset: number): TensorRef {
  const [storage, storageOffset, size, stride] = args;
  if (!(storage instanceof StorageRef)) {
    throw new CheckpointError('CORRUPT', `tensor storage must come from a persistent id, got ${describeValue(storage)}`, { offset });
  }
  if (!isIndex(storageOffset)) {
    throw new CheckpointError('CORRUPT', `tensor storage offset must be a non-negative integer, got ${String(storageOffset)}`, { offset });
  }
  const shape = indexList(size, 'size', offset);
  const strides = indexList(stride, 'stride', offset);
  if (shape.length !== strides.length) {
    throw new CheckpointError('CORRUPT', `tensor size has ${shape.length} dims but stride has ${strides.length}`, { offset });
  }
  return new TensorRef(storage, storageOffset, shape, strides);
}

function expectArgs(g: PyGlobal, args: readonly unknown[], min: number, max: number, offset: number): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : `${min}–${max}`;
    throw new CheckpointError('CORRUPT', `${g.qualifiedName} expects ${want} arguments, got ${args.length}`, { offset });
  }
}

function expectTensor(g: PyGlobal, value: unknown, offset: number): TensorRef {
  if (value instanceof TensorRef) return value;
  throw new CheckpointError('CORRUPT', `${g.qualifiedName} expects a tensor, got ${describeValue(value)}`, { offset });
}

function encodeText(g: PyGlobal, args: readonly unknown[], offset: number): Uint8Array {
  const [text, encoding = 'utf-8'] = args;
  if (typeof text !== 'string' || typeof encoding !== 'string') {
    throw new CheckpointError('CORRUPT', `${g.qualifiedName} expects (str, str)`, { offset });
  }
  const enc = encoding.toLowerCase().replace('_', '-');
  if (enc === 'utf-8' || enc === 'utf8') return new TextEncoder().encode(text);
  if (enc !== 'latin1' && enc !== 'latin-1' && enc !== 'iso-8859-1') {
    throw new CheckpointError('UNSUPPORTED', `${g.qualifiedName} with encoding '${encoding}'`, { offset });
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 255) throw new CheckpointError('CORRUPT', `latin-1 text holds code point ${c}`, { offset });
    out[i] = c;
  }
  return out;
}

function iterableArg(g: PyGlobal, value: unknown, offset: number): unknown[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (value instanceof Set || value instanceof Uint8Array) return [...value];
  throw new CheckpointError('CORRUPT', `${g.qualifiedName} expects an iterable, got ${describeValue(value)}`, { offset });
}

/** REDUCE / NEWOBJ: what calling an allow-listed global yields. Nothing runs but this switch. */
export function callGlobal(callee: unknown, args: unknown, offset: number): unknown {
  if (!(callee instanceof PyGlobal)) {
    throw new CheckpointError('CORRUPT', `cannot call a ${describeValue(callee)}`, { offset });
  }
  if (!Array.isArray(args)) {
    throw new CheckpointError('CORRUPT', `arguments of ${callee.qualifiedName} must be a tuple, got ${describeValue(args)}`, { offset });
  }
  const g = callee;
  switch (g.kind) {
    case 'ordered-dict': {
      expectArgs(g, args, 0, 1, offset);
      const dict = new PyOrderedDict();
      for (const pair of iterableArg(g, args[0], offset)) {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new CheckpointError('CORRUPT', 'OrderedDict items must be (key, value) pairs', { offset });
        }
        dict.set(pair[0], pair[1]);
      }
      return dict;
    }
    case 'rebuild-tensor':
      expectArgs(g, args, 4, 4, offset);
      return tensorRef(args, offset);
    case 'rebuild-tensor-v2':
      expectArgs(g, args, 6, 7, offset);
      return tensorRef(args, offset);
    case 'rebuild-parameter':
      expectArgs(g, args, 3, 3, offset);
      return expectTensor(g, args[0], offset);
    case 'rebuild-parameter-with-state':
      expectArgs(g, args, 4, 4, offset);
      return expectTensor(g, args[0], offset);
    case 'parameter':
      expectArgs(g, args, 0, 2, offset);
      return expectTensor(g, args[0], offset);
    case 'rebuild-from-type-v2': {
      expectArgs(g, args, 4, 4, offset);
      const [func, newType, funcArgs] = args;
      const typeOk = newType instanceof PyGlobal && (newType.kind === 'tensor-class' || newType.kind === 'parameter');
      if (!(func instanceof PyGlobal) || !func.kind.startsWith('rebuild-tensor') || !typeOk) {
        throw new CheckpointError('UNSUPPORTED', `${g.qualifiedName} only rebuilds plain tensors and parameters`, { offset });
      }
      return expectTensor(g, callGlobal(func, funcArgs, offset), offset);
    }
    case 'size':
      expectArgs(g, args, 0, 1, offset);
      return args.length === 0 ? [] : indexList(args[0], 'torch.Size', offset);
    case 'device': {
      expectArgs(g, args, 1, 2, offset);
      const [type, index] = args;
      if (typeof type !== 'string') throw new CheckpointError('CORRUPT', 'torch.device expects a string', { offset });
      return index === undefined || index === null ? type : `${type}:${String(index)}`;
    }
    case 'set':
    case 'frozenset':
      expectArgs(g, args, 0, 1, offset);
      return new Set(iterableArg(g, args[0], offset));
    case 'bytearray': {
      expectArgs(g, args, 0, 2, offset);
      if (typeof args[0] === 'string') return encodeText(g, args, offset); // protocol 2: (str, 'latin-1')
      const items = iterableArg(g, args[0], offset);
      if (!items.every((b) => isIndex(b) && b < 256)) throw new CheckpointError('CORRUPT', 'bytearray items must be bytes', { offset });
      return Uint8Array.from(items as number[]);
    }
    case 'codecs-encode':
      expectArgs(g, args, 1, 2, offset);
      return encodeText(g, args, offset);
    case 'opaque-factory':
      return new OpaqueObject(g.qualifiedName);
    default:
      throw new CheckpointError('UNSUPPORTED', `${g.qualifiedName} cannot be called here`, { offset });
  }
}

/** BUILD: only OrderedDicts (torch's `_metadata`), tensors and numpy placeholders; state dropped. */
export function applyBuild(target: unknown, offset: number): void {
  if (target instanceof PyOrderedDict || target instanceof TensorRef || target instanceof OpaqueObject) return;
  throw new CheckpointError(
    'UNSUPPORTED',
    `BUILD on ${describeValue(target)} is not allowed (only OrderedDict, tensors and numpy placeholders)`,
    { offset },
  );
}
