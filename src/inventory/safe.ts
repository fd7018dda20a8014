/**
 * Inventory names and variable names come from files: `__proto__` or `constructor` must be
 * ordinary names. A plain `obj[key] = v` with key `__proto__` would replace the object's
 * prototype instead of storing a variable, so every write from file data goes through here.
 */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Object.assign without its `__proto__` setter; later values replace earlier ones. */
export function assignOwn(target: Record<string, unknown>, source: Record<string, unknown> | undefined): Record<string, unknown> {
  if (source) for (const k of Object.keys(source)) setOwn(target, k, source[k]);
  return target;
}

export function hasOwn(obj: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}
