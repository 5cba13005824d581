import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodePng } from '@hrnetjs/core';

/**
 * Small generated scenes (a gradient, a few seeded rectangles and noise) as PNG files under `dir`,
 * e.g. names ['a', 'sub/b'] → dir/a.png, dir/sub/b.png. For tests and the bench: no playground dependency.
 */
export async function writeScenes(dir: string, names: readonly string[], size: { width: number; height: number } = { width: 96, height: 128 }, seed = 1): Promise<string[]> {
  let state = seed >>> 0 || 1;
  const random = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const paths: string[] = [];
  for (const name of names) {
    const { width, height } = size;
    const data = new Uint8Array(width * height * 3);
    const rects = Array.from({ length: 3 }, () => {
      const w = Math.floor(width * (0.2 + 0.4 * random()));
      const h = Math.floor(height * (0.3 + 0.5 * random()));
      return { x: Math.floor(random() * (width - w)), y: Math.floor(random() * (height - h)), w, h, color: [random(), random(), random()].map((c) => Math.floor(255 * c)) };
    });
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = (y * width + x) * 3;
        let color = [(255 * x) / width, (255 * y) / height, 128];
        for (const r of rects) if (x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h) color = r.color;
        for (let c = 0; c < 3; c++) data[p + c] = Math.max(0, Math.min(255, Math.round(color[c] + 20 * (random() - 0.5))));
      }
    }
    const path = join(dir, `${name}.png`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, await encodePng({ data, width, height }));
    paths.push(path);
  }
  return paths;
}
