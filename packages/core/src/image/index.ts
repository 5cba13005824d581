export { decodeImage, sniffImageFormat } from './decode-image.js';
export { encodePng } from './encode-png.js';
export { checkDimensions, fromPixelData, ImageInputError, type PixelData, type RgbImage } from './rgb-image.js';
export { type AffineMatrix, cvRound, invertAffineLikeOpenCV, warpAffine, type WarpAffineOptions } from './warp-affine.js';
export { resizeBilinearUint8 } from './resize-uint8.js';
export { type BrowserImageSource, type ImageInput, toRgbImage } from './to-rgb-image.js';
