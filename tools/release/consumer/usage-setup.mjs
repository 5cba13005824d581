// Run by consumer-test.mjs before the README usage snippets: the tiny official detector ships as two
// files (backbone + neck, heads); one safetensors file holds both, as a real checkpoint would.
import { join } from 'node:path';
import { readCheckpointFile, writeCheckpointFile } from '@hrnetjs/core/node';

const det = join(process.env.HRNET_FIXTURES, 'det');
const parts = await Promise.all(['det_tiny.pth', 'faster_rcnn_tiny_heads.pth'].map((f) => readCheckpointFile(join(det, f))));
await writeCheckpointFile('det_tiny_full.safetensors', new Map(parts.flatMap((p) => [...p.stateDict])));
