export { batchNorms, type NormSetting } from './batch-norms.js';
export { type AveragedGradients, type DataParallel, type DataParallelOptions, startDataParallel } from './data-parallel.js';
export { type ReplicaSpec, type ShardContext, shardSeed, type TrainReplica } from './protocol.js';
export { shardRanges } from './shard.js';
export { siblingModuleUrl } from './worker-url.js';
