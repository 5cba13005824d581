import { describe, expect, it } from 'vitest';
import { Progress } from './progress.js';

describe('Progress', () => {
  it('prints done/total, images/s, ETA and failures: plain lines at the interval off a TTY', () => {
    let t = 0;
    const lines: string[] = [];
    const p = new Progress(4, { write: (s) => lines.push(s), isTTY: false }, { intervalMs: 5000, now: () => t });
    t = 1000;
    p.tick(true);
    t = 2000;
    p.tick(false); // within the interval: no line
    t = 8000;
    p.tick(true);
    p.tick(true); // the last image always prints
    expect(lines).toEqual([
      'progress: 1/4 images  1.00 img/s  ETA 3s\n',
      'progress: 3/4 images  0.38 img/s  ETA 3s  1 failed\n',
      'progress: 4/4 images  0.50 img/s  ETA 0s  1 failed\n',
    ]);
  });

  it('redraws one bar on a TTY and ends its line', () => {
    let t = 0;
    let out = '';
    const p = new Progress(2, { write: (s) => (out += s), isTTY: true }, { now: () => t });
    t = 500;
    p.tick(true);
    t = 1000;
    p.tick(true);
    expect(out).toBe('\r[############------------] 1/2 images  2.00 img/s  ETA 1s\x1b[K\r[########################] 2/2 images  2.00 img/s  ETA 0s\x1b[K\n');
  });
});
