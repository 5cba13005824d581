import { CheckpointError } from './errors.js';
import type { FileCheckpointFormat } from './parsed-checkpoint.js';

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

/**
 * Tells the container format from the first bytes: safetensors (u64 LE header length that fits
 * the file, then `{`), a torch zip (`PK\x03\x04`) or a legacy torch pickle (PROTO opcode `0x80`;
 * its magic-number pickle is verified when read). Checked in that order because a safetensors
 * header length can itself start with `0x80`.
 */
export function detectFormat(bytes: Uint8Array): FileCheckpointFormat {
  if (bytes.length >= 10 && bytes[8] === 0x7b) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const length = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
    if (length <= bytes.length - 8) return 'safetensors';
  }
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'torch-zip';
  if (bytes.length >= 2 && bytes[0] === 0x80) return 'torch-legacy';
  throw new CheckpointError(
    'BAD_MAGIC',
    `unrecognised checkpoint (${bytes.length} bytes, starting ${hex(bytes.subarray(0, 8)) || 'with nothing'}); expected a torch zip ` +
      `(50 4b 03 04), a legacy torch pickle (80 02 8a 0a 6c fc 9c 46 …) or safetensors (u64 header length, then '{')`,
    { offset: 0 },
  );
}
