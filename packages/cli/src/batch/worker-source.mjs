// Running from the TypeScript sources (`pnpm hrnet`, tests): worker threads do not always inherit
// tsx's loader, so register it here before loading the worker. The built CLI uses dist/batch-worker.js.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');
export default worker.default;
