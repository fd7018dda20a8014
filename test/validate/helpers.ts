import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { formatProblem, validatePaths, type ValidateOptions } from '../../src/validate/index.js';
import { shownPath } from '../../src/model/source.js';

/** A directory holding `files` (paths may have directories). */
export function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oasis-validate-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** validate's lines for `paths` inside `dir`, with `dir/` removed from file names. */
export async function lines(dir: string, paths: string[], opts: ValidateOptions = {}): Promise<string[]> {
  const res = await validatePaths(paths.map((p) => join(dir, p)), opts);
  const prefix = `${shownPath(dir)}/`;
  return res.problems.map((p) => formatProblem(p).split(prefix).join(''));
}
