import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandInputs, globToRegExp, resultKeys } from './inputs.js';

const dir = mkdtempSync(join(tmpdir(), 'hrnet-inputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['a.png', 'b.JPG', 'notes.txt', 'x/c.jpeg', 'x/y/d.png', 'x/y/.hidden.png', 'z/a.png']) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), '');
}

describe('expandInputs', () => {
  it('takes folders recursively (images only, no dot files), files as given, and globs; sorted without repeats', async () => {
    const set = await expandInputs([join(dir, 'x'), join(dir, 'notes.txt'), join(dir, 'x', 'c.jpeg')]);
    expect(set.files).toEqual([join(dir, 'notes.txt'), join(dir, 'x/c.jpeg'), join(dir, 'x/y/d.png')]);
    expect(set.root).toBe(dir);
    expect(resultKeys(set)).toEqual(['notes', 'x/c', 'x/y/d']);
    expect((await expandInputs([`${dir}/**/*.png`])).files).toEqual([join(dir, 'a.png'), join(dir, 'x/y/d.png'), join(dir, 'z/a.png')]);
    expect((await expandInputs([`${dir}/*.{png,JPG}`])).files).toEqual([join(dir, 'a.png'), join(dir, 'b.JPG')]);
    expect((await expandInputs([`${dir}/x/*`])).files).toEqual([join(dir, 'x/c.jpeg')]);
  });

  it('fails clearly on a missing path, an empty glob, and two images that would share a result name', async () => {
    await expect(expandInputs([join(dir, 'nope.png')])).rejects.toThrow(/input not found: .*nope\.png/);
    await expect(expandInputs([`${dir}/*.gif`])).rejects.toThrow(/matches no \.png \/ \.jpg \/ \.jpeg file/);
    await expect(expandInputs([])).rejects.toThrow(/no input images/);
    const set = await expandInputs([join(dir, 'a.png'), join(dir, 'z', 'a.png')]);
    expect(resultKeys(set)).toEqual(['a', 'z/a']);
    writeFileSync(join(dir, 'a.jpg'), '');
    expect(() => resultKeys({ files: [join(dir, 'a.jpg'), join(dir, 'a.png')], root: dir })).toThrow(/would write the same result 'a'/);
  });
});

describe('globToRegExp', () => {
  it('* stays in one folder, ** crosses folders, ? [] {} as in shells', () => {
    expect(globToRegExp('/d/*.png').test('/d/a.png')).toBe(true);
    expect(globToRegExp('/d/*.png').test('/d/x/a.png')).toBe(false);
    expect(globToRegExp('/d/**/*.png').test('/d/a.png')).toBe(true);
    expect(globToRegExp('/d/**/*.png').test('/d/x/y/a.png')).toBe(true);
    expect(globToRegExp('/d/f?[0-9].{jpg,png}').test('/d/fa7.jpg')).toBe(true);
    expect(globToRegExp('/d/f?[0-9].{jpg,png}').test('/d/fa7.gif')).toBe(false);
    expect(globToRegExp('/d/a+b(1).png').test('/d/a+b(1).png')).toBe(true);
  });
});
