import { ELEMENT_SIZE } from './dtypes.js';
import { CheckpointError } from './errors.js';
import type { ParsedCheckpoint } from './parsed-checkpoint.js';
import { unpickle } from './pickle-machine.js';
import { describeValue, StorageRef } from './pickle-values.js';
import { parseStoragePid, type StorageView } from './storage-pid.js';

/** `torch.serialization.MAGIC_NUMBER`, the first pickle of every legacy file. */
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

interface PendingView extends StorageView {
  root: StorageRef;
  ref: StorageRef;
}

/**
 * Reads a legacy torch checkpoint (before 1.6, or `_use_new_zipfile_serialization=False`):
 * consecutive pickles (magic, protocol 1001, sys_info, the object, the storage-key list) followed
 * by each storage as an int64 LE element count and its raw bytes, in key-list order. Raw data is
 * always little-endian (torch converts on write). The element size of each storage is only known
 * from the object pickle, so that must be read before the raw section.
 */
export function readTorchLegacy(bytes: Uint8Array): ParsedCheckpoint {
  const magic = unpickle(bytes, 0);
  if (magic.value !== MAGIC_NUMBER) {
    throw new CheckpointError('BAD_MAGIC', `first pickle is ${describeValue(magic.value)} ${String(magic.value).slice(0, 40)}, expected the torch magic number ${MAGIC_NUMBER}`);
  }
  const protocol = unpickle(bytes, magic.end);
  if (protocol.value !== PROTOCOL_VERSION) {
    throw new CheckpointError('UNSUPPORTED', `legacy protocol version ${String(protocol.value).slice(0, 40)}, expected ${PROTOCOL_VERSION}`, { offset: magic.end });
  }
  const sysInfo = unpickle(bytes, protocol.end);
  if (!(sysInfo.value instanceof Map)) {
    throw new CheckpointError('CORRUPT', `sys_info is ${describeValue(sysInfo.value)}, expected a dict`, { offset: protocol.end });
  }

  const roots = new Map<string, StorageRef>();
  const views = new Map<string, PendingView>();
  const persistentLoad = (pid: unknown, offset: number): StorageRef => {
    const { key, dtype, numel, view } = parseStoragePid(pid, 'legacy', offset);
    let root = roots.get(key);
    if (!root) roots.set(key, (root = new StorageRef(key, dtype, numel, false)));
    if (root.dtype !== dtype) {
      throw new CheckpointError('UNSUPPORTED', `storage '${key}' is used as both ${root.dtype} and ${dtype}`, { offset });
    }
    if (view === null) return root;
    let pending = views.get(view.key);
    if (!pending) {
      pending = { ...view, root, ref: new StorageRef(`${key}[${view.offset}:+${view.size}]`, dtype, view.size, false) };
      views.set(view.key, pending);
    }
    return pending.ref;
  };
  const object = unpickle(bytes, sysInfo.end, { persistentLoad });
  const keyList = unpickle(bytes, object.end);
  if (!Array.isArray(keyList.value)) {
    throw new CheckpointError('CORRUPT', `storage key list is ${describeValue(keyList.value)}, expected a list`, { offset: object.end });
  }
  readRawStorages(bytes, keyList.end, keyList.value, roots);
  for (const v of views.values()) attachView(v);
  return { format: 'torch-legacy', root: object.value };
}

function readRawStorages(bytes: Uint8Array, start: number, keys: unknown[], roots: Map<string, StorageRef>): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = start;
  for (const key of keys) {
    const storage = roots.get(String(key));
    if (!storage) {
      throw new CheckpointError('CORRUPT', `storage '${String(key)}' is in the key list but no tensor uses it, so its element size is unknown`, { offset: pos });
    }
    if (pos + 8 > bytes.length) {
      throw new CheckpointError('TRUNCATED', `file ends before the element count of storage '${storage.label}'`, { offset: pos });
    }
    const hi = view.getInt32(pos + 4, true);
    const count = hi * 2 ** 32 + view.getUint32(pos, true);
    const size = count * ELEMENT_SIZE[storage.dtype];
    const remaining = bytes.length - pos - 8;
    if (hi < 0) throw new CheckpointError('CORRUPT', `storage '${storage.label}' has a negative element count`, { offset: pos });
    if (size > remaining) {
      throw new CheckpointError('TRUNCATED', `storage '${storage.label}' claims ${count} ${storage.dtype} elements (${size} bytes) but only ${remaining} bytes remain`, { offset: pos });
    }
    storage.bytes = bytes.subarray(pos + 8, pos + 8 + size);
    pos += 8 + size;
  }
}

// Pre-0.4 files could save views of a storage: the view's bytes are a window of its root's.
function attachView(v: PendingView): void {
  const rootBytes = v.root.bytes;
  if (rootBytes === null) return; // reported when a tensor needs it
  const es = ELEMENT_SIZE[v.root.dtype];
  if ((v.offset + v.size) * es > rootBytes.length) {
    throw new CheckpointError('CORRUPT', `storage view '${v.key}' (${v.offset}+${v.size}) exceeds its root storage '${v.root.label}'`);
  }
  v.ref.bytes = rootBytes.subarray(v.offset * es, (v.offset + v.size) * es);
}
