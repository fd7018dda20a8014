/** Template files (template: src=...): their syntax, as the engine would compile them, and the variables they read. */
import { readFileSync, statSync } from 'node:fs';
import { MAX_YAML_BYTES } from '../config/yaml.js';
import type { ValidateCtx } from './context.js';
import { jinjaHabits } from '../template/hints.js';
import { lineColumnAt, positionIn } from '../template/errors.js';
import { refsOfHandlebars, type Refs } from './names.js';
import type { UseSite } from './usage.js';

/** The variables a template file reads, as the task using it renders it: its scope, condition and guards. */
export function useTemplateFile(site: UseSite, file: string): void {
  const refs = checkTemplateFile(site.ctx, file);
  const scope = site.scope;
  if (!refs || !scope) return;
  // One name at a time: each is reported where the template reads it.
  const start = { file, line: 1, col: 1 };
  for (const name of refs.used) {
    const loc = refs.where?.get(name);
    const pos = loc ? { file, ...positionIn(start, loc.line, loc.column) } : start;
    scope.use({ ...refs, used: new Set([name]) }, pos, site.conditional, site.guarded);
  }
}

/** Reports what keeps the file from compiling; returns the variables it reads when it compiles (parsed once per file). */
export function checkTemplateFile(ctx: ValidateCtx, file: string): Refs | undefined {
  if (ctx.templatesChecked.has(file)) return ctx.templatesChecked.get(file);
  ctx.templatesChecked.set(file, undefined);
  const at = { file, line: 1, col: 1 };
  let buf: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_YAML_BYTES) return void ctx.out.error(at, `template is ${(size / 1048576).toFixed(1)} MB; over ${MAX_YAML_BYTES / 1048576} MB is refused`);
    buf = readFileSync(file);
  } catch (e) {
    return void ctx.out.error(at, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (buf.includes(0)) return void ctx.out.error(at, 'binary file (contains NUL bytes), expected a text template');
  const text = buf.toString('utf8');
  const err = ctx.templates.check(text, at);
  if (!err) {
    const refs = refsOfHandlebars(text);
    ctx.templatesChecked.set(file, refs);
    return refs;
  }
  // Handlebars stops at its first error; the Jinja habits behind it are all found by a scan.
  const habits = jinjaHabits(text).map((h) => {
    const { line, column } = lineColumnAt(text, h.offset);
    return { line, col: column + 1, message: h.message };
  });
  for (const h of habits) ctx.out.error({ file, line: h.line, col: h.col }, `template syntax error: ${h.message}`);
  if (!habits.some((h) => h.line === err.line)) ctx.out.error({ file, line: err.line, col: err.col }, err.reason);
  return undefined;
}
