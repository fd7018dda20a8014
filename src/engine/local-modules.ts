import { isAbsolute, join } from 'node:path';
import type { Task } from '../model/playbook.js';
import { UserError } from '../model/source.js';
import { evalCondition } from '../expr/index.js';
import { loadYamlFile } from '../config/yaml.js';
import { isObject } from '../config/playbook-loader.js';
import type { HostState, RunContext } from './context.js';
import type { Outcome } from './outcome.js';

const ok = (result: Record<string, unknown>): Outcome => ({ status: 'ok', ignored: false, result: { changed: false, ...result } });
const failed = (msg: string, extra: Record<string, unknown> = {}): Outcome => ({ status: 'failed', ignored: false, result: { changed: false, failed: true, msg, ...extra } });

/** debug, set_fact, assert, fail, meta, include_vars: run by the engine, on the controller. */
export async function runLocalModule(ctx: RunContext, host: HostState, task: Task, vars: Record<string, unknown>, opts: { check: boolean }): Promise<Outcome> {
  // An argument renders with its own position, so an error inside it names its line and column.
  const render = (v: unknown, arg?: string) => ctx.templates.renderDeep(v, vars, (arg && task.argPos.get(arg)) || task.keyPos.get(task.module) || task.pos);
  const args = task.args;
  switch (task.module) {
    case 'debug': {
      const verbosity = Number(args['verbosity'] ?? 0);
      if (verbosity > ctx.options.verbosity) return { status: 'skipped', ignored: false, result: { changed: false, skipped: true, skip_reason: 'verbosity threshold not met' } };
      if (args['var'] !== undefined) {
        const name = String(args['var']);
        let value: unknown;
        try {
          value = name.includes('{{') ? render(name, 'var') : ctx.templates.renderDeep(`{{ ${name} }}`, vars, task.pos);
        } catch {
          value = 'VARIABLE IS NOT DEFINED!';
        }
        return ok({ [name]: value, _ansible_verbose_always: true });
      }
      return ok({ msg: args['msg'] === undefined ? 'Hello world!' : render(args['msg'], 'msg'), _ansible_verbose_always: true });
    }
    case 'set_fact': {
      const facts: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(args)) {
        if (k === 'cacheable') continue;
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new UserError(`set_fact: '${k}' is not a valid variable name`, task.keyPos.get(task.module) ?? task.pos);
        facts[k] = render(v, k);
      }
      Object.assign(host.facts, facts);
      return ok({ ansible_facts: facts });
    }
    case 'assert': {
      const that = Array.isArray(args['that']) ? args['that'] : [args['that']];
      for (const cond of that) {
        if (!evalCondition(cond as string | boolean, vars, ctx.templates.exprs)) {
          const msg = args['fail_msg'] ?? args['msg'];
          return failed(msg === undefined ? 'Assertion failed' : String(render(msg, args['fail_msg'] !== undefined ? 'fail_msg' : 'msg')), { assertion: cond, evaluated_to: false });
        }
      }
      return ok({ msg: args['success_msg'] === undefined ? 'All assertions passed' : render(args['success_msg'], 'success_msg'), _ansible_verbose_always: true });
    }
    case 'fail':
      return failed(args['msg'] === undefined ? 'Failed as requested from task' : String(render(args['msg'], 'msg')));
    case 'meta': {
      const action = String(args['action']);
      if (action === 'flush_handlers' || action === 'end_play' || action === 'end_host') return { ...ok({}), meta: action, silent: true };
      if (action === 'noop' || action === 'clear_host_errors' || action === 'refresh_inventory' || action === 'reset_connection') return { ...ok({}), silent: true };
      throw new UserError(`meta: '${action}' is not supported`, task.pos);
    }
    case 'include_vars': {
      const file = String(render(args['file'], 'file'));
      const path = isAbsolute(file) ? file : join(task.baseDir, file.startsWith('vars/') ? '' : 'vars', file);
      const loaded = await loadVarsFile(path, task.baseDir, file);
      const facts = args['name'] ? { [String(args['name'])]: loaded } : loaded;
      Object.assign(host.includedVars, facts);
      return ok({ ansible_facts: facts, ansible_included_var_files: [path] });
    }
    default:
      void opts;
      throw new UserError(`module '${task.module}' has no local implementation`, task.pos);
  }
}

/** A YAML/JSON file that must hold a mapping of variables. Looks in vars/ first, as Ansible does. */
export async function loadVarsFile(path: string, baseDir?: string, asWritten?: string): Promise<Record<string, unknown>> {
  let src;
  try {
    src = await loadYamlFile(path);
  } catch (e) {
    if (baseDir && asWritten && !isAbsolute(asWritten) && e instanceof UserError && e.message.includes('ENOENT')) {
      return loadVarsFile(join(baseDir, asWritten));
    }
    throw e;
  }
  if (src.value === null) return {};
  if (!isObject(src.value)) throw new UserError('a variables file must hold a mapping of names to values', { file: path, line: 1, col: 1 });
  return src.value;
}
