import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { beforeAll, describe } from 'vitest';
import { repoRoot } from './fixtures.js';
import { fallbackNodes, readOrtProfile } from './ort-profile.js';

/**
 * The Vulkan driver the onnxruntime WebGPU tests run on: `$VK_ICD_FILENAMES` when set, else the
 * Mesa 25 lavapipe (software Vulkan) that scripts/setup.sh extracts into .cache/lavapipe (Debian
 * 12's own Mesa 22 is too old for Dawn). `problem` says why it cannot be used, null when it can.
 */
export function webgpuDriver(): { icd: string; problem: string | null } {
  const icd = process.env.VK_ICD_FILENAMES ?? join(repoRoot(), '.cache', 'lavapipe', 'lvp_icd.json');
  if (!existsSync(icd)) return { icd, problem: `no Vulkan ICD at ${icd} (run scripts/setup.sh: it fetches Mesa 25 lavapipe)` };
  let library: string | undefined;
  try {
    library = (JSON.parse(readFileSync(icd, 'utf8')) as { ICD?: { library_path?: string } }).ICD?.library_path;
  } catch (e) {
    return { icd, problem: `the Vulkan ICD ${icd} is not valid JSON: ${(e as Error).message}` };
  }
  if (!library) return { icd, problem: `the Vulkan ICD ${icd} names no ICD.library_path` };
  // A bare soname (e.g. an NVIDIA ICD's libGLX_nvidia.so.0) is found by the loader; a path must exist.
  if (isAbsolute(library) && !existsSync(library)) return { icd, problem: `the Vulkan driver ${library} named by ${icd} is missing (run scripts/setup.sh)` };
  return { icd, problem: null };
}

/** Points Dawn (inside onnxruntime-node) at {@link webgpuDriver}'s ICD; call before the first WebGPU session. */
export function useWebGpuDriver(): void {
  process.env.VK_ICD_FILENAMES = webgpuDriver().icd;
  // Mesa and Dawn complain on stderr without it.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
}

/**
 * `describe` for tests on onnxruntime-node's WebGPU execution provider. With a driver
 * ({@link webgpuDriver}) they run; without one they are reported as skipped, the suite title
 * naming the reason; in CI (`CI=true`, as for the oracle fixtures) a missing driver fails them.
 */
export function describeWebGpu(title: string, body: () => void): void {
  const { problem } = webgpuDriver();
  if (problem && process.env.CI !== 'true') {
    describe.skip(`${title} — SKIPPED: ${problem}`, body);
    return;
  }
  describe(title, () => {
    beforeAll(() => {
      if (problem) throw new Error(`${problem}; CI (CI=true) runs the WebGPU parity tests, so a missing driver fails them`);
      useWebGpuDriver();
    });
    body();
  });
}

/**
 * Sessions opened with profiling in a temporary folder, one per key (a network), shared by the tests
 * of a file. `placement()` releases them all and returns, per key, the number of node runs on
 * `provider` and the {@link fallbackNodes}.
 */
export function profiledSessions<S extends { release(): Promise<void> }>(
  open: (model: Uint8Array, profileFilePrefix: string) => Promise<S>,
  provider = 'WebGpuExecutionProvider',
) {
  let dir: string | undefined;
  const sessions = new Map<string, Promise<S>>();
  let released = false;
  return {
    /** The session of `key`, opened on first use with `model()`. */
    get(key: string, model: () => Uint8Array): Promise<S> {
      if (released) throw new Error('profiledSessions: already released');
      dir ??= mkdtempSync(join(tmpdir(), 'hrnet-ort-profile-'));
      let s = sessions.get(key);
      if (!s) {
        s = open(model(), join(dir, key));
        sessions.set(key, s);
      }
      return s;
    },
    /** Releases every session and reads their profiles. */
    async placement(): Promise<Record<string, { onProvider: number; fallbacks: string[] }>> {
      await this.release();
      const out: Record<string, { onProvider: number; fallbacks: string[] }> = {};
      for (const key of sessions.keys()) {
        const runs = readOrtProfile(join(dir as string, key));
        out[key] = { onProvider: runs.filter((r) => r.provider === provider).length, fallbacks: fallbackNodes(runs, provider) };
      }
      return out;
    },
    /** Releases every session (idempotent); the profiles stay until {@link cleanup}. */
    async release(): Promise<void> {
      if (released) return;
      released = true;
      const all = await Promise.allSettled(sessions.values());
      await Promise.all(all.map((r) => (r.status === 'fulfilled' ? r.value.release() : undefined)));
    },
    /** Releases the sessions and deletes the profiles. */
    async cleanup(): Promise<void> {
      await this.release();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
