/** FNV-1a (32-bit) over bytes: a cheap fingerprint to check that scenes are reproduced bit for bit. */
export function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash >>> 0;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/** Fingerprint of a scene's pixels, instance mask and semantic mask together. */
export function hashScene(scene: { image: { data: Uint8Array }; instanceMask: Int32Array; semanticMask: Uint8Array }): number {
  const instances = new Uint8Array(scene.instanceMask.buffer, scene.instanceMask.byteOffset, scene.instanceMask.byteLength);
  return fnv1a(scene.semanticMask, fnv1a(instances, fnv1a(scene.image.data)));
}

/** Fingerprint of a JSON-serialisable value (its `JSON.stringify` text as UTF-8). */
export function hashJson(value: unknown): number {
  return fnv1a(new TextEncoder().encode(JSON.stringify(value)));
}
