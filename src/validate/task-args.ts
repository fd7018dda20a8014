/** A task's module arguments: the module's schema, templated values, and the files they name. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { shownPath, type SourcePos } from '../model/source.js';
import { posOf } from '../config/yaml.js';
import { readModuleArgs } from '../config/module-args.js';
import { didYouMean } from '../config/suggest.js';
import { canonicalModuleName } from '../modules/catalog.js';
import { candidates } from '../engine/task-exec.js';
import { INHERITABLE } from '../schema/keywords.js';
import { argsDef } from '../schema/modules.js';
import { VAR_NAME } from '../schema/fragments.js';
import { eachString, isMapping, keyPos, locator } from './context.js';
import { baseDirOf, type ItemCtx } from './item-ctx.js';
import { cycle } from './problems.js';
import { applyRole } from './roles.js';
import { walkTaskFile } from './tasks.js';
import { useTemplateFile } from './template-file.js';
import { useCondition, useTemplate } from './usage.js';
import { checkVarsFile } from './vars-file.js';

export function checkModuleArgs(ic: ItemCtx, raw: Record<string, unknown>, moduleKey: string, taskPos: SourcePos): void {
  const { ctx, src } = ic;
  const module = canonicalModuleName(moduleKey);
  const at = keyPos(src, raw, moduleKey, taskPos);
  if (module === 'import_tasks' || module === 'import_role') return checkImport(ic, raw, moduleKey, module, at);
  const info = ctx.modules.lookup(module)!;
  const value = raw[moduleKey];
  const extra = raw['args'];
  const read = readModuleArgs(value, extra, info);
  if ('error' in read) return ctx.out.error(at, `${module}: ${read.error}`);
  const args = read.args;

  // Positions: the key where it was written (under the module or under args:), else the module.
  const locate = (path: string[]): SourcePos => {
    const k = path[0];
    if (k !== undefined && isMapping(value) && Object.hasOwn(value, k)) return locator(src, value, at)(path) ?? at;
    if (k !== undefined && isMapping(extra) && Object.hasOwn(extra, k)) return locator(src, extra, at)(path) ?? at;
    return at;
  };
  ctx.schemas.check('playbook.schema.json', argsDef(module), args, locate, ctx.out, {
    prefix: `${module}: `,
    unknownKey: (k, known) => `${module}: unsupported parameter '${k}'${didYouMean(k, known)}`,
    missing: (k) => `${module}: missing required parameter '${k}'`,
  });

  for (const k of Object.keys(args)) {
    const kPos = locate([k]);
    if (module === 'debug' && k === 'var') continue; // an undefined var is printed as such
    if (module === 'assert' && k === 'that') {
      useCondition(ic, args[k], kPos, (i) => posOf(src, args[k], String(i)));
      continue;
    }
    const track = !(module === 'include_role' && !['name', 'tasks_from', 'handlers_from'].includes(k));
    eachString(src, args[k], kPos, (s, p) => useTemplate(ic, s, p, { track }));
  }
  moduleSpecific(ic, module, args, locate, at);
}

function moduleSpecific(ic: ItemCtx, module: string, args: Record<string, unknown>, locate: (p: string[]) => SourcePos, at: SourcePos): void {
  const { ctx } = ic;
  const staticString = (k: string) => (typeof args[k] === 'string' && !(args[k] as string).includes('{{') ? (args[k] as string) : undefined);
  switch (module) {
    case 'set_fact':
      for (const k of Object.keys(args)) {
        if (k === 'cacheable') continue;
        if (!new RegExp(VAR_NAME).test(k) || ['__proto__', 'constructor', 'prototype'].includes(k)) ctx.out.error(locate([k]), `set_fact: '${k}' is not a valid variable name`);
        else ic.scope?.define(k);
      }
      return;
    case 'copy':
    case 'template': {
      const p = staticString('src');
      if (p === undefined) return;
      const found = findLocal(ic, module === 'copy' ? 'files' : 'templates', p);
      if (found.path && module === 'template') useTemplateFile(ic, found.path);
      if (!found.path) report(ic, locate(['src']), `${module}: could not find '${p}' (looked in ${found.looked.map(shownPath).join(', ')})`);
      return;
    }
    case 'include_vars': {
      const file = staticString('file');
      if (file === undefined) return markDynamic(ic, 'include_vars with a templated file');
      const base = baseDirOf(ic);
      const looked = isAbsolute(file) ? [file] : [join(base, file.startsWith('vars/') ? '' : 'vars', file), join(base, file)];
      const path = looked.find((p) => existsSync(p));
      if (!path) return report(ic, locate(['file']), `include_vars: could not find '${file}' (looked in ${looked.map(shownPath).join(', ')})`);
      const vars = checkVarsFile(ctx, path);
      if (typeof args['name'] === 'string') ic.scope?.define(args['name']);
      else ic.scope?.defineAll(vars);
      return;
    }
    case 'include_tasks': {
      const file = staticString('file');
      if (file === undefined) return markDynamic(ic, 'include_tasks with a templated file');
      const base = baseDirOf(ic);
      const path = [dirname(ic.src.file), join(base, 'tasks'), base].map((d) => (isAbsolute(file) ? file : join(d, file))).find((p) => existsSync(p));
      if (!path) return report(ic, locate(['file']), `include_tasks: '${file}' not found next to ${shownPath(ic.src.file)}`);
      // Recursion through include_tasks is legal when a condition ends it: warn only.
      if (ic.stack.includes(path)) return ctx.out.warning(at, `include cycle: ${cycle(ic.stack, path)} (it never ends unless a condition stops it)`);
      return walkTaskFile({ ...ic, baseDir: base, handler: false }, path);
    }
    case 'include_role': {
      const { name, tasks_from, handlers_from, ...params } = args;
      return applyRole(ic, name, params, locate(['name']), { tasksFrom: tasks_from, handlersFrom: handlers_from });
    }
  }
}

/** import_tasks / import_role: resolved while loading, with only name and inherited keywords beside. */
function checkImport(ic: ItemCtx, raw: Record<string, unknown>, moduleKey: string, module: string, at: SourcePos): void {
  const { ctx, src } = ic;
  const allowed = new Set([moduleKey, 'name', ...Object.keys(INHERITABLE).filter((k) => k !== 'become_method')]);
  for (const k of Object.keys(raw)) if (!allowed.has(k)) ctx.out.error(keyPos(src, raw, k, at), `'${k}' cannot be used with ${module}${didYouMean(k, allowed)}`);
  const value = raw[moduleKey];
  ctx.schemas.check('playbook.schema.json', argsDef(module), isMapping(value) ? value : typeof value === 'string' && module === 'import_tasks' ? { file: value } : value, locator(src, value, at), ctx.out, {
    prefix: `${module}: `,
    unknownKey: (k, known) => `${module}: unsupported parameter '${k}'${didYouMean(k, known)}`,
    missing: (k) => `${module}: missing required parameter '${k}'`,
  });
  if (module === 'import_role') {
    if (!isMapping(value)) return;
    const { name, tasks_from, handlers_from, ...params } = value;
    if (typeof name === 'string' && name.includes('{{')) return ctx.out.error(at, 'import_role is resolved while loading and cannot use variables; use include_role');
    return applyRole(ic, name, params, keyPos(src, value, 'name', at), { tasksFrom: tasks_from, handlersFrom: handlers_from });
  }
  const file = typeof value === 'string' ? value : isMapping(value) ? value['file'] : undefined;
  if (typeof file !== 'string') return;
  if (file.includes('{{')) return ctx.out.error(at, 'import_tasks is resolved while loading and cannot use variables; use include_tasks');
  const path = resolve(dirname(src.file), file);
  if (!existsSync(path)) return ctx.out.error(at, `import_tasks: '${file}' not found`);
  if (ic.stack.includes(path)) return ctx.out.error(at, `include cycle: ${cycle(ic.stack, path)}`);
  walkTaskFile(ic, path);
}

/** A controller-side file as the engine looks for it (src/engine/task-exec.ts). */
function findLocal(ic: ItemCtx, sub: string, p: string): { path?: string; looked: string[] } {
  const looked = candidates({ baseDir: baseDirOf(ic), pos: { file: ic.src.file, line: 1, col: 1 } }, ic.playDir, sub, p);
  return { path: looked.find((c) => existsSync(c)), looked };
}

/**
 * A missing file fails its task at run time only. A warning when that may be intended (under a
 * condition, ignore_errors or rescue) or unsure (outside a known play, the playbook dir is a guess).
 */
function report(ic: ItemCtx, pos: SourcePos, message: string): void {
  ic.ctx.out.add(ic.play && !ic.conditional && !ic.tolerant ? 'error' : 'warning', pos, message);
}

function markDynamic(ic: ItemCtx, why: string): void {
  if (ic.scope) ic.scope.dynamic ??= why;
}
