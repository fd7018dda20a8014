import { closeSync, ftruncateSync, openSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../src/validate/index.js';
import { lines, project } from './helpers.js';

describe('validate: bad input gives positions, never a stack trace', () => {
  it('malformed YAML, duplicate keys, empty and binary files', async () => {
    const dir = project({
      'malformed.yml': '- hosts: all\n  tasks:\n    - debug: {msg: [unclosed\n',
      'dup.yml': '- hosts: all\n  hosts: web\n',
      'empty.yml': '',
      'binary.yml': Buffer.from([0x2d, 0x20, 0x00, 0xff, 0xfe, 0x00, 0x01]),
      'roles/r/tasks/main.yml': '',
      'roles/r/vars/main.yml': '',
    });
    expect(await lines(dir, ['malformed.yml', 'dup.yml', 'empty.yml', 'binary.yml', 'roles/r'])).toEqual([
      'binary.yml:1:1: binary file (contains NUL bytes), expected YAML text',
      'dup.yml:2:3: YAML syntax error: Map keys must be unique',
      'empty.yml:1:1: empty playbook: expected a list of plays',
      'malformed.yml:4:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('wrong types at every level', async () => {
    const dir = project({
      'types.yml': `- hosts: [web, 1]
  gather_facts: maybe
  serial: many
  tasks:
    - debug: { msg: hi }
      loop: 5
      loop_control: { loop_var: 1, lable: x }
      register: not-a-name
    - name: x
      block: not-a-list
  handlers: {}
- 42
`,
    });
    expect(await lines(dir, ['types.yml'])).toEqual([
      "types.yml:1:16: 'hosts.1' must be a string, got a number",
      "types.yml:2:3: 'gather_facts' must be a boolean (true, false, yes, no) or a {{ template }}, got 'maybe'",
      "types.yml:3:3: 'serial' must be a number or a percentage such as 30%, got 'many'",
      "types.yml:6:7: 'loop' must be a list or a {{ template }}, got a number",
      "types.yml:7:23: 'loop_control.loop_var' must be a string, got a number",
      "types.yml:7:36: unknown key 'lable' in 'loop_control'; did you mean 'label'?",
      "types.yml:8:7: 'register' must match ^[A-Za-z_][A-Za-z0-9_]*$, got 'not-a-name'",
      "types.yml:10:7: 'block' must be a list or empty, got a string",
      "types.yml:11:3: 'handlers' must be a list or empty, got a mapping",
      'types.yml:12:3: each play must be a mapping',
    ]);
  });

  it('__proto__ and constructor keys are reported, and pollute nothing', async () => {
    const dir = project({
      'proto.yml': `- hosts: all
  __proto__: { polluted: 1 }
  vars:
    constructor: { polluted: 2 }
    __proto__: { polluted: 3 }
  tasks:
    - debug: { msg: hi }
      __proto__: { polluted: 4 }
    - set_fact: { __proto__: { polluted: 5 } }
    - copy: { dest: /x, content: a, __proto__: { polluted: 6 } }
`,
      'inventory/hosts.yml': 'all:\n  hosts:\n    h1: { __proto__: { polluted: 7 } }\n',
    });
    expect(await lines(dir, ['proto.yml', 'inventory/hosts.yml'])).toEqual([
      "inventory/hosts.yml:3:11: '__proto__' is a reserved name",
      "proto.yml:2:3: unknown play keyword '__proto__'",
      "proto.yml:4:5: 'constructor' is a reserved name",
      "proto.yml:5:5: '__proto__' is a reserved name",
      "proto.yml:8:7: unknown task keyword '__proto__'",
      "proto.yml:9:19: set_fact: '__proto__' is not a valid variable name",
      "proto.yml:10:37: copy: unsupported parameter '__proto__'",
    ]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('a 50 MB file is refused at once, without reading it', async () => {
    const dir = project({});
    const fd = openSync(join(dir, 'big.yml'), 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const heap = process.memoryUsage().heapUsed;
    const started = Date.now();
    expect(await lines(dir, ['big.yml'])).toEqual(['big.yml:1:1: file is 50.0 MB; YAML files over 4 MB are refused']);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(20 * 1024 * 1024);
  });

  it('cyclic import_playbook, import_tasks and include_tasks', async () => {
    const dir = project({
      'a.yml': '- import_playbook: b.yml\n',
      'b.yml': '- import_playbook: a.yml\n',
      'play.yml': '- hosts: all\n  tasks:\n    - import_tasks: t1.yml\n    - include_tasks: i1.yml\n',
      't1.yml': '- import_tasks: t1.yml\n',
      'i1.yml': '- include_tasks: i1.yml\n  when: depth is defined\n',
    });
    expect(await lines(dir, ['a.yml', 'play.yml'])).toEqual([
      'b.yml:1:3: import_playbook cycle: a.yml -> b.yml -> a.yml',
      'i1.yml:1:3: warning: include cycle: i1.yml -> i1.yml (it never ends unless a condition stops it)',
      't1.yml:1:3: include cycle: t1.yml -> t1.yml',
    ]);
  });

  it('a directory with a symbolic link loop: walked once, its extensionless INI inventory checked', async () => {
    const dir = project({ 'loopdir/inv': '[web]\nh1\n[web:vars]\nx\n', 'loopdir/Makefile': 'all:\n\ttrue\n' });
    symlinkSync('../loopdir', join(dir, 'loopdir/self'));
    const res = await validatePaths([join(dir, 'loopdir')]);
    expect(res.files).toBe(1);
    expect(await lines(dir, ['loopdir'])).toEqual(["loopdir/inv:4:1: expected key=value in [web:vars], got 'x'"]);
  });

  it('paths that do not exist', async () => {
    const dir = project({});
    expect(await lines(dir, ['nope.yml'])).toEqual([expect.stringMatching(/nope\.yml:1:1: no such file or directory$/)]);
  });
});
