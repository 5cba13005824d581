/**
 * `@hrnetjs/core/node` (worker threads) loaded only when a loop runs data-parallel, so browser
 * bundles never see it. The CommonJS build `require`s it to keep the caller's core instance (the
 * ESM one would bring a second TF.js engine); sources (vitest, tsx) and the ESM build import it.
 */
export async function coreNode(): Promise<typeof import('@hrnetjs/core/node')> {
  const specifier = '@hrnetjs/core/node';
  const commonJs = typeof require === 'function' && !import.meta.url.endsWith('.ts');
  return commonJs ? (require(specifier) as typeof import('@hrnetjs/core/node')) : import(/* @vite-ignore */ specifier);
}
