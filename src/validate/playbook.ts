/** Playbooks: plays and import_playbook entries, each play's sections, roles and handlers. */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { SourcePos } from '../model/source.js';
import { posOf, type YamlFile } from '../config/yaml.js';
import { roleSearchPath } from '../config/roles.js';
import { didYouMean } from '../config/suggest.js';
import type { ValidateCtx } from './context.js';
import { eachString, isMapping, keyPos, loadYaml, locator } from './context.js';
import type { ItemCtx, PlayState } from './item-ctx.js';
import { cycle } from './problems.js';
import { roleEntries } from './roles.js';
import { VarScope, type KnownSources } from './scope.js';
import { walkItems } from './tasks.js';
import { useCondition, useTemplate } from './usage.js';
import { checkVarsFile } from './vars-file.js';
import { varsOf } from '../config/vars-keyword.js';

const IMPORT_KEYS = ['import_playbook', 'ansible.builtin.import_playbook'];

/** Validates a playbook and everything it imports; variables are checked across all of it. */
export function validatePlaybook(ctx: ValidateCtx, file: string, known?: KnownSources): void {
  const scope = new VarScope();
  walkPlaybook(ctx, resolve(file), [], scope, undefined);
  scope.report(ctx.out, known);
}

function walkPlaybook(ctx: ValidateCtx, file: string, stack: string[], scope: VarScope, from: SourcePos | undefined): void {
  if (stack.includes(file)) return ctx.out.error(from, `import_playbook cycle: ${cycle(stack, file)}`);
  const src = loadYaml(ctx, file);
  if (!src) return;
  const start = { file, line: 1, col: 1 };
  if (src.value === null) return ctx.out.error(start, 'empty playbook: expected a list of plays');
  if (!Array.isArray(src.value)) return ctx.out.error(posOf(src, src.value) ?? start, 'a playbook must be a list of plays');
  const list = src.value;
  list.forEach((entry, i) => {
    const pos = posOf(src, entry) ?? posOf(src, list, String(i)) ?? start;
    if (!isMapping(entry)) return ctx.out.error(pos, 'each play must be a mapping');
    const imp = IMPORT_KEYS.find((k) => Object.hasOwn(entry, k));
    if (!imp) return checkPlay(ctx, src, entry, pos, scope, [...stack, file]);
    ctx.schemas.check('playbook.schema.json', 'import_playbook', entry, locator(src, entry, pos), ctx.out, {
      unknownKey: (k, known) => `'${k}' cannot be used with import_playbook${didYouMean(k, known)}`,
    });
    const target = entry[imp];
    if (typeof target !== 'string') return;
    const at = keyPos(src, entry, imp, pos);
    if (target.includes('{{')) return ctx.out.error(at, 'import_playbook is resolved while loading and cannot use variables');
    const path = resolve(dirname(file), target);
    if (!existsSync(path)) return ctx.out.error(at, `import_playbook: '${target}' not found`);
    walkPlaybook(ctx, path, [...stack, file], scope, at);
  });
}

function checkPlay(ctx: ValidateCtx, src: YamlFile, raw: Record<string, unknown>, pos: SourcePos, scope: VarScope, stack: string[]): void {
  const at = (k: string) => keyPos(src, raw, k, pos);
  ctx.schemas.check('playbook.schema.json', 'play', raw, locator(src, raw, pos), ctx.out, {
    unknownKey: (k, known) => `unknown play keyword '${k}'${didYouMean(k, known)}`,
    missing: (k) => `play has no '${k}'`,
    skip: [['pre_tasks'], ['tasks'], ['post_tasks'], ['handlers']],
  });
  const dir = dirname(src.file);
  const play: PlayState = { dir, searchPath: roleSearchPath(dir), handlers: new Set(), notifies: [], handlersUnknown: false };
  const base: ItemCtx = { ctx, src, playDir: dir, play, scope, stack, handler: false, conditional: false, guarded: new Set() };
  const guards = raw['when'] === undefined ? new Set<string>() : useCondition(base, raw['when'], at('when'), (i) => posOf(src, raw['when'], String(i)));
  const ic: ItemCtx = { ...base, conditional: raw['when'] !== undefined, guarded: guards };
  const vars = varsOf(raw['vars']);
  if (vars) {
    scope.defineAll(vars);
    eachString(src, raw['vars'], at('vars'), (s, p) => useTemplate(ic, s, p, { track: false }));
  }
  varsFiles(ic, raw['vars_files'], at('vars_files'));
  for (const k of ['remote_user', 'become_user', 'environment']) eachString(src, raw[k], at(k), (s, p) => useTemplate(ic, s, p));
  walkItems(ic, raw['pre_tasks'], 'pre_tasks', at('pre_tasks'));
  roleEntries(ic, raw['roles']);
  walkItems(ic, raw['tasks'], 'tasks', at('tasks'));
  walkItems(ic, raw['post_tasks'], 'post_tasks', at('post_tasks'));
  walkItems({ ...ic, handler: true }, raw['handlers'], 'handlers', at('handlers'));
  if (play.handlersUnknown) return;
  for (const n of play.notifies) {
    if (play.handlers.has(n.name)) continue;
    ctx.out.error(n.pos, `task '${n.task}' notifies '${n.name}', but the play has no handler with that name or listen topic${didYouMean(n.name, play.handlers)}`);
  }
}

/** vars_files: each entry a file, or a list whose first existing file is used. */
function varsFiles(ic: ItemCtx, value: unknown, at: SourcePos): void {
  const entries = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  entries.forEach((entry, i) => {
    const pos = (Array.isArray(value) ? posOf(ic.src, value, String(i)) : undefined) ?? at;
    const choices = (Array.isArray(entry) ? entry : [entry]).filter((c): c is string => typeof c === 'string');
    if (choices.some((c) => c.includes('{{'))) {
      for (const c of choices) useTemplate(ic, c, pos);
      ic.scope!.dynamic ??= 'vars_files with a templated name';
      return;
    }
    const path = choices.map((c) => (isAbsolute(c) ? c : join(ic.playDir, c))).find((p) => existsSync(p));
    if (!path) return ic.ctx.out.error(pos, `vars_files: '${choices.join("', '")}' not found`);
    ic.scope!.defineAll(checkVarsFile(ic.ctx, path));
  });
}
