import { CheckpointError } from './errors.js';
import type { ParsedCheckpoint } from './parsed-checkpoint.js';
import { unpickle } from './pickle-machine.js';
import { StorageRef } from './pickle-values.js';
import { parseStoragePid } from './storage-pid.js';
import { openZip, type ZipArchive, type ZipEntry } from './zip-reader.js';

const PICKLE = 'data.pkl';

/** The `<prefix>/data.pkl` entry: its folder is the archive name (file stem, or 'archive'). */
function findPickle(zip: ZipArchive): ZipEntry {
  let best: ZipEntry | undefined;
  for (const e of zip.entries) {
    if (e.name !== PICKLE && !e.name.endsWith(`/${PICKLE}`)) continue;
    if (!best || e.name.split('/').length < best.name.split('/').length) best = e;
  }
  if (!best) {
    throw new CheckpointError('BAD_MAGIC', `zip archive has no '<name>/${PICKLE}' entry, so it is not a torch.save checkpoint`);
  }
  return best;
}

function readByteOrder(zip: ZipArchive, prefix: string): boolean {
  const entry = zip.find(`${prefix}byteorder`);
  if (!entry) return false; // written only by torch ≥ 2.1; older files are little-endian
  const text = new TextDecoder().decode(zip.read(entry)).trim();
  if (text !== 'little' && text !== 'big') {
    throw new CheckpointError('CORRUPT', `'${prefix}byteorder' says '${text.slice(0, 20)}', expected 'little' or 'big'`);
  }
  return text === 'big';
}

/**
 * Reads a torch zip checkpoint (torch.save since 1.6): unpickles `<prefix>/data.pkl`, pointing
 * each storage at the zero-copy bytes of `<prefix>/data/<key>`. Tensors stay lazy.
 */
export function readTorchZip(bytes: Uint8Array): ParsedCheckpoint {
  const zip = openZip(bytes);
  const pickle = findPickle(zip);
  const prefix = pickle.name.slice(0, -PICKLE.length);
  const bigEndian = readByteOrder(zip, prefix);
  const storages = new Map<string, StorageRef>();

  const persistentLoad = (pid: unknown, offset: number): StorageRef => {
    const { key, dtype, numel } = parseStoragePid(pid, 'zip', offset);
    const seen = storages.get(key);
    if (seen) {
      if (seen.dtype !== dtype) {
        throw new CheckpointError('UNSUPPORTED', `storage 'data/${key}' is used as both ${seen.dtype} and ${dtype}`, { offset });
      }
      return seen;
    }
    const entry = zip.find(`${prefix}data/${key}`);
    if (!entry) {
      throw new CheckpointError('CORRUPT', `storage 'data/${key}' is missing: no entry '${prefix}data/${key}' in the archive`, { offset });
    }
    // Sizes are checked when a tensor is read, so messages can name the tensor.
    const storage = new StorageRef(`data/${key}`, dtype, numel, bigEndian);
    storage.bytes = zip.read(entry);
    storages.set(key, storage);
    return storage;
  };

  const { value } = unpickle(zip.read(pickle), 0, { persistentLoad, fileOffset: pickle.dataOffset });
  return { format: 'torch-zip', root: value };
}
