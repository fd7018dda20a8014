import type { Shell } from '../shell/sh.js';
import type { ExecResult } from '../connection/types.js';
import type { Probe } from './lib/inspect.js';
import type { ProbeMemory } from './lib/probe-memory.js';

/** A JSON Schema object (draft 2020-12 subset) describing a module's arguments. */
export type JsonSchema = Record<string, unknown>;

/** What a module reports for one host (registered as the task result, plus engine fields). */
export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  msg?: string;
  /** For --diff: what the target looked like before and would look like after. */
  diff?: { before: string; after: string; path?: string };
  /** Module-specific return values (rc, stdout, stderr, stdout_lines, path, mode, stat, ...). */
  [key: string]: unknown;
}

/** What a module may use while it runs: the target (exec) and controller-side files. */
export interface ModuleContext {
  /** Check mode: inspect and report what would change; change nothing. */
  check: boolean;
  /** --diff: fill `diff` in the result where it means something. */
  diff: boolean;
  /**
   * Runs one POSIX sh script on the target (become and environment already applied by the
   * engine). Each call is one round trip: a module should need one, at most two.
   */
  exec(script: Shell, options?: { stdin?: string | Buffer; inShell?: boolean }): Promise<ExecResult>;
  /** Reads a controller-side file named by `src:` (resolved against the playbook/role dirs). */
  readLocalFile(path: string): Promise<Buffer>;
  /** Renders a controller-side handlebars template file with the task's variables. */
  renderTemplate(path: string): Promise<string>;
  /** What inspections on this target have seen while nothing ran there since (lib/probe-memory.ts). */
  memory?: ProbeMemory;
}

/** A module that acts on the target through `ctx.exec`. */
export interface RemoteModule<A = any> {
  kind: 'remote';
  name: string;
  /** JSON Schema of the arguments (validation, editor completion, docs). */
  schema: JsonSchema;
  docs: { summary: string; example: string };
  /** Name of the argument that takes the free-form text (`command: ls -l` → cmd). */
  freeForm?: string;
  /** False when the module cannot predict its effect in check mode (it is then skipped). */
  supportsCheckMode?: (args: A) => boolean;
  /**
   * The probes run() inspects first, for these (valid) arguments: an earlier task's inspection
   * takes them along, and run() may then need no round trip at all.
   */
  probes?: (args: A, ctx: Pick<ModuleContext, 'check' | 'diff'>) => Probe[];
  run(args: A, ctx: ModuleContext): Promise<ModuleResult>;
}
