import type { JsonSchema } from './types.js';

/** The arguments of include_role and import_role. */
export const ROLE_ARGS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'Role name or path' },
    tasks_from: { type: 'string', description: 'Tasks file of the role to run instead of tasks/main.yml' },
    handlers_from: { type: 'string', description: 'Handlers file of the role instead of handlers/main.yml' },
  },
  required: ['name'],
  description: 'Other keys are role parameters',
};

/** Modules the engine runs itself, on the controller: their arguments and docs. */
export interface LocalModuleSpec {
  kind: 'local';
  name: string;
  schema: JsonSchema;
  docs: { summary: string; example: string };
  freeForm?: string;
}

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): JsonSchema => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...extra,
});

export const LOCAL_MODULES: LocalModuleSpec[] = [
  {
    kind: 'local',
    name: 'debug',
    schema: obj({ msg: { description: 'Message to print' }, var: { type: 'string', description: 'Variable name to print' }, verbosity: { type: 'integer', minimum: 0 } }),
    docs: { summary: 'Print a message or a variable', example: 'debug: { msg: "port is {{ port }}" }' },
  },
  {
    kind: 'local',
    name: 'set_fact',
    schema: { type: 'object', description: 'Variables to set on the host; they last for the rest of the run', properties: { cacheable: { type: 'boolean' } } },
    docs: { summary: 'Set host variables for later tasks and plays', example: 'set_fact: { app_port: 8080 }' },
  },
  {
    kind: 'local',
    name: 'assert',
    schema: obj(
      {
        that: { description: 'Condition or list of conditions' },
        msg: { description: 'Message when an assertion fails' },
        fail_msg: { description: 'Message when an assertion fails' },
        success_msg: { description: 'Message when all pass' },
        quiet: { type: 'boolean' },
      },
      { required: ['that'] },
    ),
    docs: { summary: 'Fail unless every condition holds', example: 'assert: { that: ["port > 1024"], fail_msg: "port too low" }' },
  },
  {
    kind: 'local',
    name: 'fail',
    schema: obj({ msg: { description: 'Reason' } }),
    docs: { summary: 'Fail the host with a message', example: 'fail: { msg: "unsupported OS" }' },
  },
  {
    kind: 'local',
    name: 'meta',
    freeForm: 'action',
    schema: obj({ action: { type: 'string', enum: ['flush_handlers', 'end_play', 'end_host', 'noop', 'clear_host_errors', 'refresh_inventory', 'reset_connection', 'end_batch'] } }, { required: ['action'] }),
    docs: { summary: 'Engine actions: flush_handlers, end_play, end_host, noop', example: 'meta: flush_handlers' },
  },
  {
    kind: 'local',
    name: 'include_tasks',
    freeForm: 'file',
    schema: obj({ file: { type: 'string', description: 'Tasks file, relative to the including file; may use variables' } }, { required: ['file'] }),
    docs: { summary: 'Run the tasks of a file, decided at run time (with loop, when, variables)', example: 'include_tasks: "setup-{{ ansible_os_family }}.yml"' },
  },
  {
    kind: 'local',
    name: 'include_role',
    schema: ROLE_ARGS_SCHEMA,
    docs: { summary: 'Run a role at run time (with loop, when, parameters)', example: 'include_role: { name: nginx, tasks_from: reload }' },
  },
  {
    kind: 'local',
    name: 'include_vars',
    freeForm: 'file',
    schema: obj({ file: { type: 'string', description: 'YAML/JSON file of variables, relative to the playbook' }, name: { type: 'string', description: 'Put the variables under this key' } }, { required: ['file'] }),
    docs: { summary: 'Load variables from a YAML or JSON file', example: 'include_vars: vars/prod.yml' },
  },
];
