import type { ImageInput } from '@hrnetjs/core';

/** What `estimatePoses` accepts: every {@link ImageInput} form of @hrnetjs/core. */
export type PoseImageInput = ImageInput;

export { toRgbImage } from '@hrnetjs/core';
