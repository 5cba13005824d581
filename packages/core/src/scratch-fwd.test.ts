import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { test, expect } from 'vitest';
import { fromNCHW, toNCHW } from './tensor/layout';

function npy(p: string) { const b = readFileSync(p); const hl = b.readUInt16LE(8); const h = b.subarray(10, 10+hl).toString(); const shape = JSON.parse(h.match(/\(([^)]*)\)/)![1].replace(/,\s*$/, '').replace(/^/, '[') + ']'); const data = new Float32Array(b.buffer.slice(b.byteOffset+10+hl, b.byteOffset + b.length)); return { dtype: 'float32' as const, shape, values: data }; }
function sd(name: string) { const meta = JSON.parse(readFileSync(`/tmp/scratch/${name}.json`,'utf8')); const bin = new Float32Array(readFileSync(`/tmp/scratch/${name}.bin`).buffer.slice(0)); const m = new Map(); let o=0; for (const [k, shape, dt] of meta) { const n = shape.reduce((a:number,b:number)=>a*b,1); m.set(k, { dtype: dt.includes('int64') ? 'int64':'float32', shape, values: bin.slice(o,o+n)}); o+=n; } return m; }
function cmp(name: string, got: any, exp: any) { let maxd=0, s=0, s2=0; const n=exp.values.length; for (let i=0;i<n;i++){ const d=Math.abs(got.values[i]-exp.values[i]); if(d>maxd) maxd=d; s+=exp.values[i]; s2+=exp.values[i]**2;} const std=Math.sqrt(s2/n-(s/n)**2); console.log(name, got.shape.join('x'), exp.shape.join('x'), 'maxdiff', maxd, 'rel', maxd/std); return maxd/std; }
const st = (nb:number, ch:number[], nm:number, blocks=1) => ({ numModules: nm, numBranches: nb, block: 'BASIC' as const, numBlocks: Array(nb).fill(blocks), numChannels: ch, fuseMethod: 'SUM' as const });
const stages = [st(2,[8,16],1), st(3,[8,16,32],1), st(4,[8,16,32,64],2)];
test('pose fwd', async () => {
  await tf.setBackend('wasm');
  const { PoseModel } = await import('../../pose-head/src/pose-model');
  const cfg:any = { name: 'x', family: 'pose', input: {}, head: { type: 'pose', numJoints: 17, finalConvKernel: 1 },
    backbone: { stage1: { numModules:1, numBranches:1, block:'BOTTLENECK', numBlocks:[4], numChannels:[64], fuseMethod:'SUM'}, stages, upsample:'nearest', alignCorners:false, multiScaleOutput:false, batchNorm:'standard'} };
  const m = new PoseModel(cfg); m.load(sd('pose'));
  const x = fromNCHW(npy('/work/shared/fixtures/pose/input.npy'));
  const out = m.forwardNamed(x, { intermediates: true });
  for (const k of ['stem','layer1','stage2_out_0','stage2_out_1','stage3_out_2','stage4_out_0']) { const t = tf.slice(out[k], [0,0,0,0],[1,-1,-1,-1]); expect(cmp(k, await toNCHW(t), npy(`/work/shared/fixtures/pose/${k}.npy`))).toBeLessThan(1e-4); }
  expect(cmp('heatmaps', await toNCHW(out.heatmaps), npy('/work/shared/fixtures/pose/heatmaps.npy'))).toBeLessThan(1e-4);
});
test('seg fwd', async () => {
  const { SegModel } = await import('../../seg-head/src/seg-model');
  const cfg:any = { name: 'x', family: 'seg', input: {}, head: { type: 'seg', numClasses: 19, finalConvKernel: 1 },
    backbone: { stage1: { numModules:1, numBranches:1, block:'BOTTLENECK', numBlocks:[1], numChannels:[16], fuseMethod:'SUM'}, stages, upsample:'bilinear', alignCorners:false, multiScaleOutput:true, batchNorm:'standard'} };
  const m = new SegModel(cfg); m.load(sd('seg'));
  const out = m.forwardNamed(fromNCHW(npy('/work/shared/fixtures/seg/input.npy')));
  expect(cmp('logits', await toNCHW(out.logits), npy('/work/shared/fixtures/seg/logits.npy'))).toBeLessThan(1e-4);
});
test('det fwd', async () => {
  const { DetectionFeatureModel } = await import('../../detection-head/src/detection-model');
  const cfg:any = { name: 'x', family: 'mmdet', input: {}, head: { type: 'mmdet', neck: { inChannels: [8,16,32,64], outChannels: 32, numOuts: 5, poolingType: 'AVG', stride: 1, keyStyle: 'mmdet2', shareConv: false } },
    backbone: { stage1: { numModules:1, numBranches:1, block:'BOTTLENECK', numBlocks:[2], numChannels:[8], fuseMethod:'SUM'}, stages: [st(2,[8,16],1), st(3,[8,16,32],1), st(4,[8,16,32,64],1)], upsample:'nearest', alignCorners:false, multiScaleOutput:true, batchNorm:'standard'} };
  const m = new DetectionFeatureModel(cfg); m.load(sd('det'));
  const out = m.forwardNamed(fromNCHW(npy('/work/shared/fixtures/det/input.npy')));
  for (const k of Object.keys(out)) expect(cmp(k, await toNCHW(out[k]), npy(`/work/shared/fixtures/det/${k}.npy`))).toBeLessThan(1e-4);
});
