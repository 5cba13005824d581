export { parseNpy, encodeNpy } from './npy.js';
