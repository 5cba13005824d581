import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError, registerBackendLoader, setAutoOrder, useBackend } from './backends.js';
import { installNodeBackends } from './node-backends.js';

afterEach(() => setAutoOrder(['webgpu', 'webgl', 'wasm', 'cpu']));

describe('useBackend', () => {
  it('switches to wasm and to cpu and reports the backend really in use', async () => {
    expect((await useBackend('wasm')).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect((await useBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('auto falls back past a backend whose initialisation fails instead of trusting TF.js silently', async () => {
    tf.registerBackend('webgpu', () => {
      throw new Error('no adapter');
    });
    try {
      const info = await useBackend('auto');
      expect(info.name).toBe('wasm');
      expect(info.skipped).toEqual([{ name: 'webgpu', reason: 'failed to initialise' }]);
    } finally {
      tf.removeBackend('webgpu');
    }
  });

  it('a named backend that cannot start throws a BackendError saying how to install it', async () => {
    await expect(useBackend('webgl')).rejects.toThrow(BackendError);
    await expect(useBackend('webgl')).rejects.toThrow(/@tensorflow\/tfjs-backend-webgl@4\.22\.0/);
    registerBackendLoader('webgpu', async () => {
      throw new Error('Cannot find package @tensorflow/tfjs-backend-webgpu');
    });
    await expect(useBackend('webgpu')).rejects.toThrow(/could not be loaded: Cannot find package .*To use it, install @tensorflow\/tfjs-backend-webgpu/);
  });
});

describe('installNodeBackends (optional tfjs-node peers)', () => {
  it('auto prefers tfjs-node-gpu when it resolves, and skips it cleanly when its addon cannot load', async () => {
    // Pretend the GPU package is installed: importing it still fails here (it is not), as it does
    // when the native addon is missing; auto must end on wasm with the reason recorded.
    installNodeBackends((pkg) => pkg === '@tensorflow/tfjs-node-gpu');
    const info = await useBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu']);
    expect(info.skipped[0].reason).toMatch(/could not be loaded/);
  });

  it('never tries both native packages in one process, and asks for tfjs-node by name when missing', async () => {
    installNodeBackends((pkg) => pkg === '@tensorflow/tfjs-node');
    const info = await useBackend('auto');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow']);
    await expect(useBackend('tensorflow')).rejects.toThrow(/install @tensorflow\/tfjs-node@4\.22\.0.*approve-builds/);
    installNodeBackends(() => false);
    expect((await useBackend('auto')).skipped).toEqual([]);
  });
});
