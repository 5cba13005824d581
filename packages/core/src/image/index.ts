export { decodeImage, sniffImageFormat } from './decode-image.js';
export { encodePng } from './encode-png.js';
export { checkDimensions, fromPixelData, ImageInputError, type PixelData, type RgbImage } from './rgb-image.js';
