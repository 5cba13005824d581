import type { ParseArgsConfig } from 'node:util';

/** The batch flags pose / detect / segment take besides their one-image ones. */
export const BATCH_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  'out-dir': { type: 'string' },
  jobs: { type: 'string' },
  engine: { type: 'string' },
  'ort-cache': { type: 'string' },
  overlays: { type: 'boolean' },
  'image-ids': { type: 'string' },
  'seg-format': { type: 'string' },
};

const REDIS = { redis: { type: 'string' }, queue: { type: 'string' } } as const;

/** `hrnet queue add|status`: the task flags of all three tasks, the batch flags and the queue's. */
export const QUEUE_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  ...BATCH_OPTIONS,
  ...REDIS,
  attempts: { type: 'string' },
  wait: { type: 'boolean' },
  json: { type: 'boolean' },
  config: { type: 'string' },
  weights: { type: 'string', multiple: true },
  'batch-norm': { type: 'string' },
  backend: { type: 'string' },
  detector: { type: 'string', multiple: true },
  'detector-config': { type: 'string' },
  'person-class': { type: 'string' },
  'no-flip': { type: 'boolean' },
  flip: { type: 'boolean' },
  'score-threshold': { type: 'string' },
  classes: { type: 'string' },
  'max-detections': { type: 'string' },
  scales: { type: 'string' },
  'base-size': { type: 'string' },
  'crop-size': { type: 'string' },
};

/** `hrnet worker`. */
export const WORKER_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  ...REDIS,
  jobs: { type: 'string' },
  'lock-ms': { type: 'string' },
  'stalled-ms': { type: 'string' },
  'redis-retry-s': { type: 'string' },
  'ort-cache': { type: 'string' },
};
