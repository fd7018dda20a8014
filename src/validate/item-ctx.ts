/** Where a task is being validated: its file, role, play and variable scope. */
import { dirname } from 'node:path';
import type { SourcePos } from '../model/source.js';
import type { YamlFile } from '../config/yaml.js';
import type { ValidateCtx } from './context.js';
import type { VarScope } from './scope.js';
import type { UseSite } from './usage.js';

/** What a play collects while its tasks are walked, checked once the play is done. */
export interface PlayState {
  dir: string;
  searchPath: string[];
  /** Handler names, `role : name` and listen topics. */
  handlers: Set<string>;
  notifies: { name: string; pos: SourcePos; task: string }[];
  /** A role chosen at run time may bring handlers: notify cannot be checked. */
  handlersUnknown: boolean;
}

export interface ItemCtx extends UseSite {
  ctx: ValidateCtx;
  src: YamlFile;
  /** playbook_dir: src files and templates are looked up there last. */
  playDir: string;
  /** The engine's task.baseDir when it is not the task file's directory: a role's directory, or the including task's for include_tasks. */
  baseDir?: string;
  /** Inside a role: its name (handlers answer to `role : name`). */
  role?: string;
  /** Undefined for a task file validated on its own (its play is unknown). */
  play?: PlayState;
  scope?: VarScope;
  /** Files and roles being walked, outermost first: import cycles. */
  stack: string[];
  handler: boolean;
  /** Failures may be expected here (ignore_errors, a block with rescue): runtime-only problems are warnings. */
  tolerant?: boolean;
}

/** The engine's task.baseDir: where `files/`, `templates/` and `vars/` are looked up first. */
export function baseDirOf(ic: ItemCtx): string {
  return ic.baseDir ?? dirname(ic.src.file);
}
