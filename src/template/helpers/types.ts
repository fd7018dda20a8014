/** How a template helper is declared: its behaviour and its documentation in one place. */

export interface HelperDoc {
  name: string;
  /** One line: what it does. */
  summary: string;
  /** The general form, e.g. `{{default value fallback}}` (also the Jinja hint). */
  usage: string;
  /** The Jinja/Ansible spelling it replaces, e.g. `value | default(fallback)`. */
  jinja?: string;
  /** A template that uses the helper, the variables it runs with, and what it renders. */
  example: string;
  vars?: Record<string, unknown>;
  output: string;
  /** Provided by handlebars itself (documented here, not registered by us). */
  builtin?: boolean;
}

export interface HelperCall {
  /** Hash arguments (`key=value`), without the internal `__` ones. */
  hash: Record<string, unknown>;
  /** For `mandatory`: the variable its first argument names. */
  argName?: string;
  /** The variables the template was rendered with (cluster helpers read groups/hostvars). */
  root?: unknown;
}

export interface HelperSpec extends HelperDoc {
  /** Positional arguments as written; absent for builtins. */
  fn?: (args: unknown[], call: HelperCall) => unknown;
  /** Arguments may be undefined (otherwise an undefined argument is an error). */
  lenient?: boolean;
}
