/**
 * --plan: what a remote task would do, without a connection. Arguments are rendered, templates
 * rendered, copy contents read; the result is a placeholder that later `when:`s are evaluated
 * against (src/plan/assume.ts).
 */
import type { Task } from '../model/playbook.js';
import type { Outcome } from '../engine/outcome.js';
import { isUserFacing } from '../model/source.js';
import { assumedConditions, withoutAssumedAsserts } from './assume.js';

/** What a remote task "returned" in a plan: a success that changed something. */
export const PLACEHOLDER = { changed: true, failed: false, skipped: false, rc: 0, stdout: '', stdout_lines: [], stat: { exists: true } } as const;

export interface PlannedFile {
  dest: string;
  /** Template rendered, or copy content; undefined for binary content. */
  content?: string;
  bytes: number;
  /** The template (template module) or controller file (copy src) it came from. */
  from?: string;
}

/** Kept in the result under `_plan` for the plan reporter. */
export interface Plan {
  module: string;
  /** Rendered arguments, without the contents shown as files; undefined under no_log. */
  args?: Record<string, unknown>;
  files: PlannedFile[];
  hidden?: boolean;
}

export interface LocalFiles {
  readLocalFile(path: string): Promise<Buffer>;
  renderTemplate(path: string): Promise<string>;
}

/** A remote task in a plan: rendered, never run; its result is a placeholder. */
export async function planRemote(task: Task, when: unknown[], vars: Record<string, unknown>, args: Record<string, unknown>, noLog: boolean, files: LocalFiles): Promise<Outcome> {
  const plan = await planOf(task, args, noLog, files);
  const assumed = assumedConditions(when, vars);
  const result = { ...PLACEHOLDER, stat: { ...PLACEHOLDER.stat }, stdout_lines: [], _plan: plan, ...(assumed.length ? { _assumed: assumed } : {}) };
  return { status: 'changed', ignored: false, result };
}

/**
 * A local module in a plan: run, except assert's conditions on placeholders, which are assumed.
 * A value that reads into a remote task's placeholder result (`who.stdout_lines[0]`) cannot be
 * known: set_fact gets a marker naming it, other modules are assumed to succeed.
 */
export async function planLocal(task: Task, when: unknown[], vars: Record<string, unknown>, run: (t: Task) => Promise<Outcome>, render: (v: unknown) => unknown): Promise<Outcome> {
  const asserts = withoutAssumedAsserts(task, vars);
  const assumed = [...assumedConditions(when, vars), ...asserts.assumed];
  let outcome: Outcome;
  try {
    outcome = await run(asserts.task);
  } catch (e) {
    const missing = placeholderRead(e, vars);
    if (!missing) throw e;
    assumed.push(`${missing} (known when the task before runs)`);
    if (task.module !== 'set_fact') return { status: 'ok', ignored: false, result: { changed: false, _assumed: assumed } };
    const args = Object.fromEntries(Object.entries(asserts.task.args).map(([k, v]) => [k, rendersOrMarker(v, vars, render)]));
    outcome = await run({ ...asserts.task, args });
  }
  return assumed.length ? { ...outcome, result: { ...outcome.result, _assumed: assumed } } : outcome;
}

/** The undefined expression of a render error, when it reads into a planned (placeholder) result. */
function placeholderRead(e: unknown, vars: Record<string, unknown>): string | undefined {
  if (!isUserFacing(e)) return undefined;
  const m = /undefined variable '([A-Za-z_][\w]*)([^']*)'/.exec(e.message);
  if (!m) return undefined;
  const root = vars[m[1]!] as { _plan?: unknown } | undefined;
  return typeof root === 'object' && root !== null && root._plan !== undefined ? `${m[1]}${m[2]}` : undefined;
}

function rendersOrMarker(v: unknown, vars: Record<string, unknown>, render: (v: unknown) => unknown): unknown {
  try {
    render(v);
    return v;
  } catch (e) {
    const missing = placeholderRead(e, vars);
    if (!missing) throw e;
    return `<${missing} at run time>`;
  }
}

async function planOf(task: Task, args: Record<string, unknown>, noLog: boolean, files: LocalFiles): Promise<Plan> {
  const plan: Plan = { module: task.module, files: [] };
  const dest = String(args['dest'] ?? args['path'] ?? '');
  if (task.module === 'template' && typeof args['src'] === 'string') {
    const content = await files.renderTemplate(args['src']);
    plan.files.push({ dest, content, bytes: Buffer.byteLength(content), from: args['src'] });
  } else if (task.module === 'copy') {
    const buf = typeof args['src'] === 'string' ? await files.readLocalFile(args['src']) : Buffer.from(String(args['content'] ?? ''));
    const text = buf.includes(0) ? undefined : buf.toString('utf8');
    plan.files.push({ dest, content: text, bytes: buf.length, ...(typeof args['src'] === 'string' ? { from: args['src'] } : {}) });
  }
  if (noLog) {
    // Secrets stay out of the output and of the registered result alike.
    plan.hidden = true;
    plan.files = plan.files.map((f) => ({ dest: f.dest, bytes: f.bytes }));
  } else {
    const { content: _content, ...shown } = args;
    plan.args = task.module === 'copy' || task.module === 'template' ? shown : args;
  }
  return plan;
}
