/**
 * A gradient worker: its own TF.js engine and backend, a replica of the model built by the task's
 * replica module, and on every step the loss and gradients of its shard written into the shared
 * gradient slot of this worker. Weights come from the coordinator's broadcast buffer.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parentPort } from 'node:worker_threads';
import { useBackend } from '../../node.js';
import { enableTraining } from '../enable-training.js';
import { applyNormSettings } from './batch-norms.js';
import { type FromWorker, offsets, type ToWorker, type TrainReplica } from './protocol.js';

if (!parentPort) throw new Error('worker-entry runs inside a worker thread');
const port = parentPort;
const send = (message: FromWorker) => port.postMessage(message);

interface State {
  index: number;
  replica: TrainReplica;
  params: tf.Variable[];
  buffers: tf.Variable[];
  paramAt: number[];
  bufferAt: number[];
  weights: Float32Array;
  grads: Float32Array;
  bufferSlots: Float32Array;
  present: Uint8Array;
  version: number;
}

let state: State | undefined;

async function init(message: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  await enableTraining();
  await useBackend(message.backend as Parameters<typeof useBackend>[0]);
  const module = (await import(message.replica.url)) as { createTrainReplica?: (options: unknown) => TrainReplica | Promise<TrainReplica> };
  if (typeof module.createTrainReplica !== 'function') throw new Error(`${message.replica.url} exports no createTrainReplica function`);
  const replica = await module.createTrainReplica(message.replica.options);
  applyNormSettings(replica.model, message.norms);
  replica.model.setTraining(true);
  const params = replica.model.trainableVariables();
  const buffers = replica.model.bufferVariables();
  const { layout } = message;
  const sizes = (vs: tf.Variable[]) => vs.map((v) => v.size).join(',');
  if (sizes(params) !== layout.params.join(',') || sizes(buffers) !== layout.buffers.join(',')) {
    throw new Error(
      `the replica built by ${message.replica.url} has ${params.length} parameters / ${buffers.length} buffers of other sizes than the ` +
        `coordinator's ${layout.params.length} / ${layout.buffers.length}: the replica options must describe the same model`,
    );
  }
  state = {
    index: message.index,
    replica,
    params,
    buffers,
    paramAt: offsets(layout.params),
    bufferAt: offsets(layout.buffers),
    weights: new Float32Array(message.shared.weights),
    grads: new Float32Array(message.shared.grads),
    bufferSlots: new Float32Array(message.shared.buffers),
    present: new Uint8Array(message.shared.present),
    version: -1,
  };
}

/** Copies the broadcast weights (params, then buffers) into the replica's variables. */
function loadWeights(s: State): void {
  const P = s.paramAt[s.paramAt.length - 1];
  tf.tidy(() => {
    s.params.forEach((v, i) => v.assign(tf.tensor(s.weights.subarray(s.paramAt[i], s.paramAt[i + 1]), v.shape)));
    s.buffers.forEach((v, i) => v.assign(tf.tensor(s.weights.subarray(P + s.bufferAt[i], P + s.bufferAt[i + 1]), v.shape)));
  });
}

function step(message: Extract<ToWorker, { type: 'step' }>): FromWorker {
  const s = state;
  if (!s) throw new Error('step before init');
  if (s.version !== message.version) {
    loadWeights(s);
    s.version = message.version;
  }
  const P = s.paramAt[s.paramAt.length - 1];
  const B = s.bufferAt[s.bufferAt.length - 1];
  const { value, grads } = tf.variableGrads(() => s.replica.loss(message.shard, message.context), s.params);
  try {
    s.params.forEach((v, i) => {
      const g = grads[v.name];
      s.present[s.index * s.params.length + i] = g ? 1 : 0;
      if (g) s.grads.set(g.dataSync() as Float32Array, s.index * P + s.paramAt[i]);
    });
    s.buffers.forEach((v, i) => s.bufferSlots.set(v.dataSync() as Float32Array, s.index * B + s.bufferAt[i]));
    return { type: 'done', loss: value.dataSync()[0], metrics: s.replica.metrics?.() ?? {} };
  } finally {
    tf.dispose([value, ...Object.values(grads)]);
  }
}

port.on('message', (message: ToWorker) => {
  (async () => {
    if (message.type === 'init') {
      await init(message);
      return { type: 'ready' } as const;
    }
    return step(message);
  })().then(send, (error: Error) => send({ type: 'error', message: error.stack ?? error.message }));
});
