/** Downloading weight files with progress (fetch + ReadableStream), for the page's progress bar. */

/** Bytes received so far and the expected total (from Content-Length; undefined when not sent). */
export type ProgressCallback = (loaded: number, total: number | undefined) => void;

/**
 * Fetches `url` as bytes, calling `onProgress` after every chunk. Throws a readable error for a
 * failed request (network error or HTTP status other than 2xx).
 */
export async function fetchWithProgress(url: string, onProgress: ProgressCallback = () => {}): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`could not download ${url}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`could not download ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  const header = Number(response.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : undefined;
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    onProgress(bytes.length, total ?? bytes.length);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress(loaded, total);
  }
  return concat(chunks, loaded);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Fetches several files at once with one combined progress (sum of bytes over sum of totals;
 * the total is undefined until every file has announced its size).
 */
export async function fetchAllWithProgress<K extends string>(urls: Record<K, string>, onProgress: ProgressCallback): Promise<Record<K, Uint8Array>> {
  const keys = Object.keys(urls) as K[];
  const loaded = new Map<K, number>();
  const totals = new Map<K, number | undefined>();
  const report = () => {
    const sum = [...loaded.values()].reduce((a, b) => a + b, 0);
    const known = keys.every((k) => totals.get(k) !== undefined);
    onProgress(sum, known ? keys.reduce((a, k) => a + (totals.get(k) ?? 0), 0) : undefined);
  };
  const files = await Promise.all(
    keys.map((k) =>
      fetchWithProgress(urls[k], (n, total) => {
        loaded.set(k, n);
        totals.set(k, total);
        report();
      }),
    ),
  );
  return Object.fromEntries(keys.map((k, i) => [k, files[i]])) as Record<K, Uint8Array>;
}
