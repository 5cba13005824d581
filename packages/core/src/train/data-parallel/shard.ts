/**
 * Contiguous shares of a global batch: worker k gets examples [⌊k·n/N⌋, ⌊(k+1)·n/N⌋), so shard
 * sizes differ by at most one and concatenating the shards in worker order gives the batch back.
 */
export function shardRanges(batchSize: number, workers: number): Array<[number, number]> {
  if (!(Number.isInteger(workers) && workers >= 1)) throw new Error(`shardRanges: workers must be a positive integer, got ${workers}`);
  return Array.from({ length: workers }, (_, k) => [Math.floor((k * batchSize) / workers), Math.floor(((k + 1) * batchSize) / workers)] as [number, number]);
}
