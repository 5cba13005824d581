// Test-only: writes small zip archives (stored, optionally deflate-flagged or ZIP64) by hand.

const text = new TextEncoder();

/** One entry to write. `method` is only recorded; data are written as given. */
export interface ZipInput {
  name: string;
  data: Uint8Array;
  method?: number;
}

/** The archive and where its records sit, so tests can patch fields. */
export interface BuiltZip {
  bytes: Uint8Array;
  /** Offset of each entry's local header. */
  localOffsets: number[];
  cdOffset: number;
  /** ZIP64 end record offset, or -1. */
  zip64Offset: number;
  eocdOffset: number;
}

/** Builds a zip; with `zip64`, adds a ZIP64 end record + locator like torch.save does. */
export function buildZip(entries: readonly ZipInput[], options: { zip64?: boolean } = {}): BuiltZip {
  const parts: number[] = [];
  const append = (bytes: Uint8Array) => {
    for (const b of bytes) parts.push(b);
  };
  const put = (n: number, size: number) => {
    for (let i = 0; i < size; i++) parts.push(Number((BigInt(n) >> BigInt(8 * i)) & 0xffn));
  };
  const localOffsets: number[] = [];
  for (const e of entries) {
    localOffsets.push(parts.length);
    const name = text.encode(e.name);
    put(0x04034b50, 4); put(20, 2); put(0x0800, 2); put(e.method ?? 0, 2); put(0, 4); put(0, 4);
    put(e.data.length, 4); put(e.data.length, 4); put(name.length, 2); put(0, 2);
    append(name);
    append(e.data);
  }
  const cdOffset = parts.length;
  entries.forEach((e, i) => {
    const name = text.encode(e.name);
    put(0x02014b50, 4); put(20, 2); put(20, 2); put(0x0800, 2); put(e.method ?? 0, 2); put(0, 4); put(0, 4);
    put(e.data.length, 4); put(e.data.length, 4); put(name.length, 2); put(0, 2); put(0, 2); put(0, 2); put(0, 2); put(0, 4);
    put(localOffsets[i], 4);
    append(name);
  });
  const cdSize = parts.length - cdOffset;
  let zip64Offset = -1;
  if (options.zip64) {
    zip64Offset = parts.length;
    put(0x06064b50, 4); put(44, 8); put(45, 2); put(45, 2); put(0, 4); put(0, 4);
    put(entries.length, 8); put(entries.length, 8); put(cdSize, 8); put(cdOffset, 8);
    put(0x07064b50, 4); put(0, 4); put(zip64Offset, 8); put(1, 4);
  }
  const eocdOffset = parts.length;
  const big = options.zip64 === true;
  put(0x06054b50, 4); put(0, 2); put(0, 2);
  put(big ? 0xffff : entries.length, 2); put(big ? 0xffff : entries.length, 2);
  put(big ? 0xffffffff : cdSize, 4); put(big ? 0xffffffff : cdOffset, 4); put(0, 2);
  return { bytes: Uint8Array.from(parts), localOffsets, cdOffset, zip64Offset, eocdOffset };
}

/** A torch-style archive: `<prefix>/data.pkl`, `<prefix>/data/<key>` storages, `<prefix>/version`. */
export function torchZip(pickle: Uint8Array, storages: Record<string, Uint8Array>, prefix = 'archive', zip64 = true): BuiltZip {
  return buildZip(
    [
      { name: `${prefix}/data.pkl`, data: pickle },
      ...Object.entries(storages).map(([key, data]) => ({ name: `${prefix}/data/${key}`, data })),
      { name: `${prefix}/version`, data: text.encode('3\n') },
    ],
    { zip64 },
  );
}
