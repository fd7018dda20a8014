/**
 * Validators compiled at build time (ajv standalone code): compiling the schemas on every run
 * cost ~0.1-0.15 s of CPU. `npm run build` writes them next to the modules that use them
 * (dist only); run from the sources, or without them, the schemas are compiled at run time
 * with the same options, so both ways check alike (test/schema/precompiled.test.ts).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';

export type Validators = Record<string, ValidateFunction>;

/** Where the build writes a validators file named relative to the output root (src/ or dist/). */
export function precompiledPath(relative: string): string {
  return join(dirname(dirname(fileURLToPath(import.meta.url))), relative);
}

/** The build's validators from `relative` (see precompiledPath), or undefined when it was not built. */
export function loadPrecompiled(relative: string): Validators | undefined {
  try {
    return createRequire(import.meta.url)(precompiledPath(relative)) as Validators;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}
