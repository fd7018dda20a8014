import { isUserFacing } from '../model/source.js';

/** Prints an error for a person: where and what, no stack trace unless -vvv or a bug. */
export function reportError(e: unknown, verbosity: number): number {
  const err = e as Error & { exitCode?: number };
  const userFacing = isUserFacing(e);
  if (userFacing) {
    process.stderr.write(`ERROR: ${err.message}\n`);
    if (verbosity >= 3 && err.stack) process.stderr.write(err.stack + '\n');
    return typeof err.exitCode === 'number' ? err.exitCode : 1;
  }
  process.stderr.write(`ERROR: internal error: ${err?.message ?? String(e)}\n`);
  process.stderr.write(verbosity >= 3 && err?.stack ? err.stack + '\n' : 'run again with -vvv for details, and please report it\n');
  return 1;
}
