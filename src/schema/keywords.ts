/**
 * The keywords of plays, blocks and tasks that the playbook loader accepts, with their types
 * and one-line docs. test/schema checks that the loader accepts every one of them.
 */
import type { JsonSchema } from '../modules/types.js';
import { BOOLISH, CONDITION, INTISH, NUMBERISH, STRING_LIST, TEMPLATE, VARIABLE_NAMES, VAR_NAME, WHOLE } from './fragments.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });
const doc = (description: string, s: JsonSchema): JsonSchema => ({ description, ...s });

/**
 * A mapping, or (Ansible's older form) a list of mappings merged in order. Not anyOf: each
 * keyword applies to its own type, so a bad name is reported as itself, not as "no match".
 */
export const VARS: JsonSchema = {
  type: ['object', 'array'],
  description: 'Variables: names to values (or a list of such mappings, merged in order).',
  propertyNames: VARIABLE_NAMES,
  items: { type: 'object', propertyNames: VARIABLE_NAMES },
};

/** Keywords that plays, blocks and tasks share, and that children inherit. */
export const INHERITABLE: Record<string, JsonSchema> = {
  when: doc('Run only when this condition holds (a Jinja expression without {{ }}); a list must all hold.', CONDITION),
  tags: doc('Tags for -t / --skip-tags (always, never are special).', { type: ['string', 'number', 'array'], items: { type: ['string', 'number'] } }),
  become: doc('Run as another user (sudo).', BOOLISH),
  become_user: doc('User to become (default root).', { type: ['string', 'number'] }),
  become_password: doc('sudo password; prefer ansible_become_password in the inventory.', { type: 'string' }),
  environment: doc('Environment variables for the commands run.', { type: ['object', 'string'], additionalProperties: { type: ['string', 'number', 'boolean'] }, pattern: TEMPLATE, patternErrorMessage: 'must be a mapping or a {{ template }}' }),
  vars: ref('vars'),
  ignore_errors: doc('Carry on when this fails.', BOOLISH),
  delegate_to: doc('Run on this host instead (its connection variables apply).', { type: 'string' }),
  run_once: doc('Run on the first host of the batch only; the others share its result.', BOOLISH),
  check_mode: doc('Force check mode on (true) or off (false) for this.', BOOLISH),
  no_log: doc('Hide arguments and results from the output.', BOOLISH),
  any_errors_fatal: doc('Stop the play on every host when one host fails.', BOOLISH),
  become_method: doc('How to become: oasis-play always uses sudo.', { type: 'string' }),
};

const LOOP = doc('Run once per item; the item is {{ item }} (see loop_control).', { type: ['array', 'string'], pattern: TEMPLATE, patternErrorMessage: 'must be a list or a {{ template }}' });

export const TASK_KEYWORDS: Record<string, JsonSchema> = {
  name: doc('What the task does, as shown in the output.', { type: ['string', 'number'] }),
  ...INHERITABLE,
  loop: LOOP,
  with_items: doc('Like loop, flattening nested lists one level.', LOOP),
  with_list: doc('Like loop.', LOOP),
  loop_control: ref('loop_control'),
  register: doc('Keep the result in this variable.', { type: 'string', pattern: VAR_NAME }),
  notify: doc('Handlers (names or listen topics) to run at the end of the section when this changed something.', STRING_LIST),
  changed_when: doc('Decides whether the task reports changed (the registered result is available).', CONDITION),
  failed_when: doc('Decides whether the task failed (the registered result is available).', CONDITION),
  until: doc('Retry until this holds (see retries, delay).', CONDITION),
  retries: doc('How many times until retries (default 3).', WHOLE),
  delay: doc('Seconds between retries (default 5).', WHOLE),
  listen: doc('Handlers only: topics this handler answers to in notify.', STRING_LIST),
  args: doc("The module's arguments, merged under those given with the module.", { type: 'object' }),
  debugger: doc('Accepted for compatibility; ignored.', { type: 'string' }),
  timeout: doc('Accepted for compatibility; ignored.', INTISH),
};

const ITEMS = { type: ['array', 'null'], items: ref('item') };

export const BLOCK_KEYWORDS: Record<string, JsonSchema> = {
  name: doc('What the block does.', { type: ['string', 'number'] }),
  ...INHERITABLE,
  block: doc('Tasks run in order; keywords of the block apply to each.', ITEMS),
  rescue: doc('Tasks run when a task of block failed.', ITEMS),
  always: doc('Tasks run after block (and rescue), whatever happened.', ITEMS),
};

const SERIAL: JsonSchema = { type: ['integer', 'string'], minimum: 1, pattern: '^\\s*\\d+%?\\s*$', patternErrorMessage: 'must be a number or a percentage such as 30%' };

export const PLAY_KEYWORDS: Record<string, JsonSchema> = {
  name: doc('What the play does.', { type: ['string', 'number'] }),
  hosts: doc('Host pattern: groups, hosts, web:&prod, !db, web[0:2].', { type: ['string', 'array'], items: { type: 'string' } }),
  ...INHERITABLE,
  vars_files: doc('Files of variables, relative to the playbook; a list inside the list means the first that exists.', {
    type: ['string', 'array'],
    items: { type: ['string', 'array'], items: { type: 'string' } },
  }),
  gather_facts: doc('Gather ansible_* facts from each host first (default false).', BOOLISH),
  pre_tasks: doc('Tasks run before roles.', ITEMS),
  roles: doc('Roles run after pre_tasks, before tasks.', { type: ['array', 'null'], items: ref('role_entry') }),
  tasks: doc('The tasks of the play.', ITEMS),
  post_tasks: doc('Tasks run after tasks.', ITEMS),
  handlers: doc('Tasks run at the end of a section when notified.', { type: ['array', 'null'], items: ref('task') }),
  strategy: doc('linear: hosts in step, task by task; free: each host at its own pace.', { type: 'string', enum: ['linear', 'free'] }),
  serial: doc('Run the play on batches of hosts: a number, a percentage, or a list of them.', { ...SERIAL, type: ['integer', 'string', 'array'], items: SERIAL }),
  max_fail_percentage: doc('Stop the play when more than this percentage of a batch failed.', NUMBERISH),
  force_handlers: doc('Run notified handlers even on hosts that failed.', BOOLISH),
  remote_user: doc('SSH user (ansible_user).', { type: 'string' }),
  connection: doc('Accepted for compatibility; use ansible_connection in the inventory.', { type: 'string' }),
  order: doc('Accepted for compatibility; hosts run in inventory order.', { type: 'string' }),
};

export const IMPORT_PLAYBOOK: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: ['string', 'number'] },
    import_playbook: { type: 'string', description: 'Another playbook, relative to this one; its plays run here.' },
    'ansible.builtin.import_playbook': { type: 'string', description: 'Another playbook, relative to this one; its plays run here.' },
    when: INHERITABLE['when']!,
    tags: INHERITABLE['tags']!,
    vars: ref('vars'),
  },
  additionalProperties: false,
};

export const LOOP_CONTROL: JsonSchema = {
  type: 'object',
  description: 'How the loop runs and is shown.',
  properties: {
    loop_var: { type: 'string', pattern: VAR_NAME, description: 'Name of the loop variable (default item).' },
    index_var: { type: 'string', pattern: VAR_NAME, description: 'Variable holding the 0-based index.' },
    label: { description: 'What to show for each item instead of the whole item.' },
    pause: { ...NUMBERISH, description: 'Seconds to wait between items.' },
  },
  additionalProperties: false,
};

/** `roles:` entries: a name, or `role:` with keywords; other keys are role parameters. */
export const ROLE_ENTRY: JsonSchema = {
  description: 'Role name (or path), or a mapping with role: NAME, keywords and role parameters.',
  type: ['string', 'object'],
  properties: { role: { type: 'string', description: 'Role name, or a path to the role.' }, name: { type: 'string', description: 'Role name (same as role).' }, ...INHERITABLE },
  anyOf: [{ required: ['role'] }, { required: ['name'] }],
  additionalProperties: true,
};

/** meta/main.yml of a role. */
export const ROLE_META: JsonSchema = {
  type: ['object', 'null'],
  properties: {
    dependencies: { type: ['array', 'null'], items: ref('role_entry'), description: 'Roles run before this one (once per play).' },
    allow_duplicates: { ...BOOLISH, description: 'Run again when applied again in the same play.' },
    galaxy_info: { type: 'object', description: 'Ansible Galaxy metadata (ignored).' },
    argument_specs: { type: 'object', description: 'Ignored.' },
  },
  additionalProperties: false,
};
