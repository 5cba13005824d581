/**
 * Reading checkpoint files a user dropped, with the same reader as Node: one .pth / .safetensors
 * file, or a TF.js weights model.json with its shard files (all dropped together).
 */
import { type Checkpoint, CheckpointError, readCheckpoint, readTfjsWeights } from '@hrnetjs/core';

/** The bytes of a dropped file and its name (a `File` in the page; plain data in tests). */
export interface DroppedFile {
  name: string;
  bytes: Uint8Array;
}

/** A `File` → its name and bytes. */
export async function readDroppedFile(file: File): Promise<DroppedFile> {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The checkpoint in the dropped files. Throws the reader's `CheckpointError` (what was found and
 * what was expected) for a corrupt, truncated or unknown file, and a plain error for a drop that
 * is neither one checkpoint nor a TF.js model.json with its shards.
 */
export async function readDroppedCheckpoint(files: readonly DroppedFile[]): Promise<{ name: string; checkpoint: Checkpoint }> {
  if (files.length === 0) throw new Error('no file was dropped; expected a .pth or .safetensors checkpoint, or a TF.js model.json with its .bin shards');
  const manifests = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (manifests.length === 0) {
    if (files.length > 1) {
      throw new Error(`${files.length} files were dropped (${files.map((f) => f.name).join(', ')}); drop one checkpoint, or a TF.js model.json together with its shard files`);
    }
    return { name: files[0].name, checkpoint: readCheckpoint(files[0].bytes) };
  }
  if (manifests.length > 1) throw new Error(`drop one TF.js model.json at a time, got ${manifests.map((f) => f.name).join(', ')}`);
  const manifest = manifests[0];
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(manifest.bytes));
  } catch (error) {
    throw new CheckpointError('CORRUPT', `${manifest.name} is not valid JSON (${(error as Error).message}); expected a TF.js weights manifest`);
  }
  // The manifest names its shards relative to itself; dropped files only have base names.
  const shards = new Map(files.filter((f) => f !== manifest).map((f) => [f.name, f.bytes]));
  const checkpoint = await readTfjsWeights(json, async (path) => {
    const bytes = shards.get(baseName(path));
    if (!bytes) throw new Error(`shard '${path}' was not dropped with ${manifest.name}; drop the manifest and all its shard files together`);
    return bytes;
  });
  return { name: manifest.name, checkpoint };
}
