/**
 * Reading a path needs the file system, which the browser-safe root of `@hrnetjs/core` must not
 * import: `@hrnetjs/core/node` installs the reader when it is loaded.
 */
export type PathReader = (path: string) => Promise<Uint8Array>;

let reader: PathReader | null = null;

/** Installs the function that reads a path to bytes (`@hrnetjs/core/node` does this on import). */
export function setPathReader(read: PathReader | null): void {
  reader = read;
}

/** Reads a path with the installed reader, or says why a path cannot be read here. */
export async function readPath(path: string, what: string): Promise<Uint8Array> {
  if (!reader) {
    throw new Error(`cannot read the ${what} path '${path}': paths need the file system; import anything from '@hrnetjs/core/node' (Node) first, or pass the bytes`);
  }
  return reader(path);
}
