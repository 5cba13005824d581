/// <reference types="vite/client" />
import type { DemoRecord } from '../../src/demo-model/index.js';

/** What the page exposes for its browser test (and for curious users in the console). */
export interface PlaygroundState {
  /** The record of the last finished run (null before the first). */
  record: DemoRecord | null;
  /** The TF.js backend really in use (`tf.getBackend()` after switching). */
  backend: string;
  /** Finished runs so far: a test waits for it to grow. */
  runs: number;
  /** The last error shown in the page, or null. */
  error: string | null;
  /** `tf.memory().numTensors` after the last run: steady from run to run when nothing leaks. */
  tensors: number;
}

declare global {
  interface Window {
    __hrnet?: PlaygroundState;
  }
}
