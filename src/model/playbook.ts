import type { SourcePos } from './source.js';

/** Keywords that blocks, tasks and plays share and that children inherit. */
export interface Inheritable {
  when: unknown[];
  tags: string[];
  become?: unknown;
  becomeUser?: unknown;
  becomePassword?: unknown;
  environment: Record<string, unknown>[];
  vars: Record<string, unknown>;
  ignoreErrors?: unknown;
  delegateTo?: unknown;
  runOnce?: unknown;
  checkMode?: unknown;
  noLog?: unknown;
  anyErrorsFatal?: unknown;
}

export interface Task extends Inheritable {
  kind: 'task';
  /** Unique, increasing in document order: the linear strategy keeps hosts in step by it. */
  ordinal: number;
  name?: string;
  module: string;
  args: Record<string, unknown>;
  loop?: unknown;
  loopControl: { loopVar: string; indexVar?: string; label?: unknown; pause?: number };
  register?: string;
  notify: string[];
  listen: string[];
  changedWhen?: unknown[];
  failedWhen?: unknown[];
  until?: unknown[];
  retries: number;
  delay: number;
  pos: SourcePos;
  /** Where each key of the task was written (for errors in rendered arguments). */
  keyPos: Map<string, SourcePos>;
  /** Where each module argument's value starts (its text for a string), for errors inside it. */
  argPos: Map<string, SourcePos>;
  /** Playbook directory (or role directory) used to resolve `src:` files and templates. */
  baseDir: string;
  /** The role this task (or handler) comes from: handlers answer to `role : name` too. */
  role?: string;
  /** A role's handler: the role's scope (defaults, vars, params), which it runs in wherever it is notified from. */
  handlerScope?: Block;
}

/** A role applied in a play: its defaults sit below the inventory, its params above facts. */
export interface RoleScope {
  name: string;
  dir: string;
  defaults: Record<string, unknown>;
  params: Record<string, unknown>;
}

export interface Block extends Inheritable {
  kind: 'block';
  /** Set on the block that holds a role's tasks (its `vars` are the role's vars). */
  role?: RoleScope;
  ordinal: number;
  name?: string;
  block: Item[];
  rescue: Item[];
  always: Item[];
  pos: SourcePos;
}

export type Item = Task | Block;

export interface Play extends Inheritable {
  name: string;
  hosts: string;
  /** Where `hosts:` is written, for errors while rendering it. */
  hostsPos: SourcePos;
  varsFiles: { path: unknown; pos: SourcePos }[];
  gatherFacts: boolean;
  preTasks: Item[];
  tasks: Item[];
  postTasks: Item[];
  handlers: Task[];
  strategy: 'linear' | 'free';
  serial: (number | string)[];
  maxFailPercentage?: number;
  forceHandlers: boolean;
  pos: SourcePos;
  dir: string;
  /**
   * The defaults and the vars of the roles applied when the playbook was parsed (roles:, their
   * dependencies, import_role), each merged in order (a later role wins): visible to the whole
   * play, as in Ansible (roles are not private unless configured so). include_role's are not:
   * they are loaded at run time.
   */
  roleVars: { defaults: Record<string, unknown>; vars: Record<string, unknown> };
}

export interface Playbook {
  file: string;
  plays: Play[];
}
