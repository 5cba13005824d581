import type { TensorData } from '../tensor/tensor-data.js';
import { ELEMENT_SIZE } from './dtypes.js';
import { HOST_LITTLE_ENDIAN, swapBytes, viewElements } from './element-decode.js';
import { CheckpointError } from './errors.js';
import type { TensorRef } from './pickle-values.js';
import { gatherStrided } from './strided-gather.js';

function describe(ref: TensorRef): string {
  return `offset ${ref.offset}, shape [${ref.shape.join(',')}], stride [${ref.stride.join(',')}], ${ref.storage.dtype}`;
}

/**
 * Reads one tensor out of its storage as a dense row-major {@link TensorData}, applying storage
 * offset and strides (views and transposes share storages), byte order and dtype widening.
 * Every bound is checked before anything is allocated, so hostile sizes fail cleanly.
 *
 * @param name state-dict key, used only in error messages.
 */
export function materializeTensor(ref: TensorRef, name: string): TensorData {
  const { storage, offset, shape, stride } = ref;
  const bytes = storage.bytes;
  if (bytes === null) {
    throw new CheckpointError('CORRUPT', `storage '${storage.label}' of tensor '${name}' has no data in the file`);
  }
  const elementSize = ELEMENT_SIZE[storage.dtype];
  let count = 1;
  let last = offset; // highest element index the view touches
  for (let d = 0; d < shape.length; d++) {
    count *= shape[d];
    last += (shape[d] - 1) * stride[d];
  }
  if (count > 0) {
    if (last >= storage.numel) {
      throw new CheckpointError(
        'CORRUPT',
        `tensor '${name}' reaches element ${last} of storage '${storage.label}', which has ${storage.numel} elements (${describe(ref)})`,
      );
    }
    const needed = (last + 1) * elementSize;
    if (needed > bytes.length) {
      throw new CheckpointError(
        'TRUNCATED',
        `storage '${storage.label}' holds ${bytes.length} bytes but tensor '${name}' needs ${needed} (${describe(ref)})`,
      );
    }
    if (storage.numel * elementSize > bytes.length) {
      throw new CheckpointError(
        'TRUNCATED',
        `storage '${storage.label}' holds ${bytes.length} bytes but claims ${storage.numel} ${storage.dtype} elements (${storage.numel * elementSize} bytes)`,
      );
    }
    // Overlapping strides (expand) could turn a tiny storage into a huge tensor; torch.save never
    // needs that for parameters, so refuse instead of allocating more than the file justifies.
    if (count > storage.numel) {
      throw new CheckpointError(
        'SIZE_LIMIT',
        `tensor '${name}' has ${count} elements but its storage '${storage.label}' only ${storage.numel} (overlapping strides, ${describe(ref)})`,
      );
    }
  } else if (offset > storage.numel) {
    throw new CheckpointError('CORRUPT', `empty tensor '${name}' starts past the end of storage '${storage.label}'`);
  }
  const raw = gatherStrided(bytes, offset, elementSize, shape, stride, count);
  if (storage.bigEndian === HOST_LITTLE_ENDIAN) swapBytes(raw, elementSize);
  return { dtype: storage.dtype, shape: shape.slice(), values: viewElements(raw, storage.dtype) };
}
