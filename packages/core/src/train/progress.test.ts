import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress } from './progress.js';

describe('progress lines', () => {
  it('show epoch, step, loss, examples/s and the ETA', () => {
    const p = { epoch: 2, epochs: 10, step: 4, stepsInEpoch: 20, loss: 0.123456, learningRate: 1e-3, elapsedSeconds: 30, etaSeconds: 250, examplesPerSecond: 12.345 };
    expect(formatProgress(p)).toBe('epoch 3/10 step 5/20 loss 0.1235 · 12.3 examples/s · ETA 4m10s');
    expect(formatProgress({ ...p, examplesPerSecond: undefined })).toBe('epoch 3/10 step 5/20 loss 0.1235 · ETA 4m10s');
    expect(formatDuration(3 * 3600 + 125)).toBe('3h02m');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('?');
  });
});
