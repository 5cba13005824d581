import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@hrnetjs/test-utils';
import { describe, expect, it } from 'vitest';
import { parseHigherHRNetConfig } from './higher-config.js';
import { HigherHRNetModel, deconvPadding } from './pose-higher-hrnet.js';

const dir = join(repoRoot(), 'tools', 'oracle', 'higher');

describe('HigherHRNetModel state_dict equals the official pose_higher_hrnet.py key lists', () => {
  // Manifests written by tools/oracle/gen_higher.py from the official model built on the official yamls.
  it.each(['w32_512', 'w48_640', 'crowd_pose_w32_512'])('%s: every key and shape, in order, and the parameter count', (name) => {
    const manifest = JSON.parse(readFileSync(join(dir, `manifest_${name}.json`), 'utf8'));
    const config = parseHigherHRNetConfig(readFileSync(join(dir, `${name}.yaml`), 'utf8'));
    const model = new HigherHRNetModel(config);
    const spec = model.stateDictSpec();
    expect(spec.map((e) => [e.key, e.shape])).toEqual(manifest.state_dict);
    const params = spec.filter((e) => e.kind === 'parameter').reduce((n, e) => n + e.shape.reduce((a, b) => a * b, 1), 0);
    expect(params).toBe(manifest.num_params);
  });
});

describe('deconvPadding', () => {
  it('is the official _get_deconv_cfg and refuses other kernels', () => {
    expect(deconvPadding(4)).toEqual({ padding: 1, outputPadding: 0 });
    expect(deconvPadding(3)).toEqual({ padding: 1, outputPadding: 1 });
    expect(deconvPadding(2)).toEqual({ padding: 0, outputPadding: 0 });
    expect(() => deconvPadding(5)).toThrow(/deconv kernel 5/);
  });
});
