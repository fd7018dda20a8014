/** Files of variables (vars_files, include_vars, defaults/, vars/, group_vars/, host_vars/). */
import type { ValidateCtx } from './context.js';
import { eachString, isMapping, loadYaml, locator } from './context.js';

/** Checks the file (a mapping of valid names, templates that parse); returns its variables. */
export function checkVarsFile(ctx: ValidateCtx, file: string): Record<string, unknown> {
  const src = loadYaml(ctx, file);
  if (!src || src.value === null) return {};
  const at = { file, line: 1, col: 1 };
  if (!isMapping(src.value)) {
    // Worded as the inventory loader says it (src/inventory/vars-dirs.ts): with -i both read
    // group_vars/, and the same words at the same place are reported once.
    const v = src.value;
    ctx.out.error(at, `a variables file must be a mapping of names to values, got ${Array.isArray(v) ? 'a list' : `a ${typeof v}`}`);
    return {};
  }
  ctx.schemas.check('playbook.schema.json', 'vars', src.value, locator(src, src.value, at), ctx.out, { unknownKey: () => undefined });
  eachString(src, src.value, at, (s, pos) => {
    if (!s.includes('{{') && !s.includes('{%')) return;
    const err = ctx.templates.check(s, pos);
    if (err) ctx.out.error(pos, err.reason);
  });
  return src.value;
}
