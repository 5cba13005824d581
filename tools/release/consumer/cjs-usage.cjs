// CommonJS usage of the packed packages (require), run by consumer-test.mjs in a fresh npm project.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const tf = require('@tensorflow/tfjs-core');
const { parseModelConfig, TaskModel } = require('@hrnetjs/core');
const { readCheckpointFile, useBackend } = require('@hrnetjs/core/node');
const { PoseModel } = require('@hrnetjs/pose-head');
require('@hrnetjs/seg-head');
require('@hrnetjs/detection-head');

async function main() {
  const fixtures = process.env.HRNET_FIXTURES;
  const backend = await useBackend('wasm');
  if (backend.name !== 'wasm') throw new Error(`cjs: expected the wasm backend, got ${backend.name}`);
  const model = new PoseModel(parseModelConfig(readFileSync(join(fixtures, 'pose', 'pose_tiny_config.json'), 'utf8')));
  // One copy of @hrnetjs/core for both packages: the head's base class is the one the app imports.
  if (!(model instanceof TaskModel)) throw new Error('cjs: PoseModel is not a TaskModel of the same @hrnetjs/core copy');
  const report = model.load((await readCheckpointFile(join(fixtures, 'pose', 'pose_tiny.pth'))).stateDict);
  const problems = report.missing.length + report.unexpected.length + report.mismatched.length;
  if (problems !== 0 || report.loaded.length === 0) throw new Error(`cjs: strict load reported ${problems} problems`);
  const zeros = tf.zeros([1, 256, 192, 3]);
  const outputs = model.forwardNamed(zeros);
  const shape = outputs.heatmaps.shape.join(',');
  if (shape !== '1,64,48,17') throw new Error(`cjs: heatmaps shape [${shape}], expected [1,64,48,17]`);
  tf.dispose([zeros, ...Object.values(outputs)]);
  model.dispose();
  console.log(`cjs ok: wasm, ${report.loaded.length} tensors loaded strictly, heatmaps [${shape}]`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
