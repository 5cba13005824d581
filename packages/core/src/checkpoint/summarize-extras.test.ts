import { describe, expect, it } from 'vitest';
import { OpaqueObject, PyGlobal } from './pickle-values.js';
import { summarizeExtras } from './summarize-extras.js';

describe('summarizeExtras', () => {
  it('maps Python values to JSON-safe ones', () => {
    const meta = new Map<unknown, unknown>([
      ['epoch', 3],
      [7, 'int key'],
      ['huge', 2n ** 70n],
      ['nan', NaN],
      ['bytes', new Uint8Array(3)],
      ['set', new Set(['a'])],
      ['dtype', new PyGlobal('torch', 'float16', 'dtype')],
      ['np', new OpaqueObject('numpy.dtype')],
    ]);
    const out = summarizeExtras([['meta', meta], ['__proto__', 1]]);
    expect(out.meta).toEqual({
      epoch: 3,
      '7': 'int key',
      huge: '1180591620717411303424',
      nan: 'NaN',
      bytes: { $type: 'bytes', length: 3 },
      set: ['a'],
      dtype: { $type: 'global', name: 'torch.float16' },
      np: { $type: 'opaque', global: 'numpy.dtype' },
    });
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe(1);
    expect(JSON.parse(JSON.stringify(out.meta))).toEqual(out.meta);
  });

  it('stays bounded on cycles and exponentially shared structures', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    let shared: unknown[] = [1];
    for (let i = 0; i < 60; i++) shared = [shared, shared]; // 2^60 paths, 61 objects
    const out = summarizeExtras([['cycle', cycle], ['shared', shared]]);
    // Bounded work, not a duration: each step of the walk yields one output node, and the walk
    // stops at its 100k-node budget (2^60 paths would never finish).
    expect(countNodes(out)).toBeLessThanOrEqual(3 * 100_000);
    expect(countNodes(out)).toBeGreaterThan(1000);
    expect(JSON.stringify(out)).toContain('truncated');
  });
});

/**
 * Nodes of a JSON-like summary: each array, object, leaf and `truncated` marker counts one. The walk
 * visits at most its 100k budget, and each visited node here has at most 2 cut-off children.
 */
function countNodes(value: unknown): number {
  if ((value as { $type?: string })?.$type === 'truncated') return 1;
  if (Array.isArray(value)) return 1 + value.reduce((n: number, v) => n + countNodes(v), 0);
  if (value !== null && typeof value === 'object') return 1 + Object.values(value).reduce((n: number, v) => n + countNodes(v), 0);
  return 1;
}
