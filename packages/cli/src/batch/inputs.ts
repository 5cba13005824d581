import { readdir, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, sep } from 'node:path';
import { CliError } from '../cli-error.js';
import { userPath } from '../paths.js';

/** Extensions a folder or glob picks up (a file named explicitly is taken whatever its name). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
const isImage = (file: string) => IMAGE_EXTENSIONS.includes(extname(file).toLowerCase());
const hasGlob = (text: string) => /[*?[{]/.test(text);

/** `*` `?` `[…]` `{a,b}` and `**` (any folders) of one glob as a regular expression over `/`-paths. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new CliError(`unclosed [ in the glob '${glob}'`);
      out += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '{') {
      const end = glob.indexOf('}', i + 1);
      if (end < 0) throw new CliError(`unclosed { in the glob '${glob}'`);
      out += `(?:${glob.slice(i + 1, end).split(',').map((s) => s.replace(/[.+^$()|\\]/g, '\\$&')).join('|')})`;
      i = end;
    } else out += c.replace(/[.+^$()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(path)));
    else if (e.isFile()) files.push(path);
  }
  return files;
}

/** The folder a glob's matches lie under: its leading segments without wildcards. */
function globBase(glob: string): string {
  const parts = glob.split('/');
  const first = parts.findIndex(hasGlob);
  return parts.slice(0, first).join('/') || (glob.startsWith('/') ? '/' : '.');
}

/** One input set: absolute image paths (sorted, no repeats) and the folder their result names are relative to. */
export interface InputSet {
  files: string[];
  root: string;
}

/**
 * Files, folders (recursive: every .png / .jpg / .jpeg below) and globs (`frames/**\/*.jpg`, quote
 * them so the shell leaves them to us) → the image list. Relative paths are the user's.
 */
export async function expandInputs(args: readonly string[]): Promise<InputSet> {
  if (args.length === 0) throw new CliError('no input images: give files, folders or globs');
  const found = new Set<string>();
  for (const arg of args) {
    if (hasGlob(arg)) {
      const pattern = (isAbsolute(arg) ? arg : userPath(arg)).split(sep).join('/');
      const base = globBase(pattern);
      const re = globToRegExp(pattern);
      let matched = 0;
      const candidates = await walk(base).catch(() => [] as string[]);
      for (const file of candidates) {
        if (isImage(file) && re.test(file.split(sep).join('/'))) {
          found.add(file);
          matched++;
        }
      }
      if (matched === 0) throw new CliError(`the glob '${arg}' matches no .png / .jpg / .jpeg file`);
      continue;
    }
    const path = userPath(arg);
    const info = await stat(path).catch(() => null);
    if (!info) throw new CliError(`input not found: ${path}`);
    if (info.isDirectory()) {
      const images = (await walk(path)).filter(isImage);
      if (images.length === 0) throw new CliError(`the folder ${path} holds no .png / .jpg / .jpeg file`);
      for (const file of images) found.add(file);
    } else found.add(path);
  }
  const files = [...found].sort();
  return { files, root: commonFolder(files) };
}

/** The deepest folder holding every file. */
export function commonFolder(files: readonly string[]): string {
  let root = dirname(files[0]);
  for (const file of files) {
    while (relative(root, file).startsWith('..')) root = dirname(root);
  }
  return root;
}

/** Result names: the path below the root without its extension, `/`-separated; two images may not share one. */
export function resultKeys({ files, root }: InputSet): string[] {
  const keys = files.map((file) => relative(root, file).slice(0, -extname(file).length || undefined).split(sep).join('/'));
  const seen = new Map<string, string>();
  keys.forEach((key, i) => {
    const other = seen.get(key);
    if (other) throw new CliError(`${other} and ${files[i]} would write the same result '${key}': rename one or run them separately`);
    seen.set(key, files[i]);
  });
  return keys;
}
