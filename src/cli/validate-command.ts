import { reportError } from './errors.js';
import { parseExtraVars } from './extra-vars.js';

export interface ValidateCliOptions {
  inventory: string[];
  extraVars: string[];
  json?: boolean;
  verbose?: number;
}

/** `oasis-play validate [PATH...]`: every problem on stdout, a summary on stderr; 0 when no error. */
export async function validateCommand(paths: string[], o: ValidateCliOptions): Promise<number> {
  try {
    const { validatePaths, formatProblem } = await import('../validate/index.js');
    const extraVars = await parseExtraVars(o.extraVars);
    const res = await validatePaths(paths, { inventory: o.inventory, extraVars });
    if (o.json) process.stdout.write(`${JSON.stringify({ problems: res.problems, errors: res.errors, files: res.files })}\n`);
    else for (const p of res.problems) process.stdout.write(`${formatProblem(p)}\n`);
    const warnings = res.problems.length - res.errors;
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    if (!o.json) process.stderr.write(`${plural(res.files, 'file')} checked: ${plural(res.errors, 'error')}, ${plural(warnings, 'warning')}\n`);
    return res.errors > 0 ? 1 : 0;
  } catch (e) {
    return reportError(e, o.verbose ?? 0);
  }
}
