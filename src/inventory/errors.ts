import type { SourcePos } from '../model/source.js';
import { InventoryError } from './types.js';

/** Thrown inside helpers with a column relative to what they were given; re-thrown with the line. */
export class LocalError extends Error {
  constructor(
    message: string,
    readonly col = 0,
  ) {
    super(message);
  }
}

/** An InventoryError at a YAML position (or the file's start when the position is unknown). */
export function errorAt(reason: string, file: string, pos: SourcePos | undefined): InventoryError {
  return new InventoryError(reason, pos?.file ?? file, pos?.line ?? 1, pos?.col ?? 1);
}
