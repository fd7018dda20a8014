/**
 * Validators compiled at build time (ajv standalone code): compiling the schemas on every run
 * cost ~0.1-0.15 s of CPU. `npm run build` writes them next to the modules that use them
 * (dist only); run from the sources, or without them, the schemas are compiled at run time
 * with the same options, so both ways check alike (test/schema/precompiled.test.ts).
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

export type Validators = Record<string, ValidateFunction>;

/** The build's validators from `file` (absolute), or undefined when it was not built. */
export function loadPrecompiled(file: string): Validators | undefined {
  try {
    return createRequire(import.meta.url)(file) as Validators;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}
