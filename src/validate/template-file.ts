/** Template files (template: src=...): their syntax, as the engine would compile them. */
import { readFileSync, statSync } from 'node:fs';
import { MAX_YAML_BYTES } from '../config/yaml.js';
import type { ValidateCtx } from './context.js';
import { jinjaHabits } from '../template/hints.js';
import { lineColumnAt } from '../template/errors.js';

export function checkTemplateFile(ctx: ValidateCtx, file: string): void {
  if (ctx.templatesChecked.has(file)) return;
  ctx.templatesChecked.add(file);
  const at = { file, line: 1, col: 1 };
  let buf: Buffer;
  try {
    const size = statSync(file).size;
    if (size > MAX_YAML_BYTES) return ctx.out.error(at, `template is ${(size / 1048576).toFixed(1)} MB; over ${MAX_YAML_BYTES / 1048576} MB is refused`);
    buf = readFileSync(file);
  } catch (e) {
    return ctx.out.error(at, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (buf.includes(0)) return ctx.out.error(at, 'binary file (contains NUL bytes), expected a text template');
  const text = buf.toString('utf8');
  const err = ctx.templates.check(text, at);
  if (!err) return;
  // Handlebars stops at its first error; the Jinja habits behind it are all found by a scan.
  const habits = jinjaHabits(text).map((h) => {
    const { line, column } = lineColumnAt(text, h.offset);
    return { line, col: column + 1, message: h.message };
  });
  for (const h of habits) ctx.out.error({ file, line: h.line, col: h.col }, `template syntax error: ${h.message}`);
  if (!habits.some((h) => h.line === err.line)) ctx.out.error({ file, line: err.line, col: err.col }, err.reason);
}

