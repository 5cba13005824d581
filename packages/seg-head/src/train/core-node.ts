/**
 * `@hrnetjs/core/node` (worker threads) loaded only when a loop runs data-parallel, so browser
 * bundles never see it; `require` in the CommonJS build keeps the caller's core instance (the
 * ESM one would bring a second TF.js engine).
 */
export async function coreNode(): Promise<typeof import('@hrnetjs/core/node')> {
  const specifier = '@hrnetjs/core/node';
  return typeof require === 'function' ? (require(specifier) as typeof import('@hrnetjs/core/node')) : import(/* @vite-ignore */ specifier);
}
