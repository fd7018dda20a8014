import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lines, project } from './helpers.js';

const BROKEN = fileURLToPath(new URL('./fixtures/broken', import.meta.url));
const CLEAN = fileURLToPath(new URL('./fixtures/clean', import.meta.url));

describe('validate: one rule per line of fixtures/broken/site.yml, all reported at once', () => {
  it('reports every problem with its file:line:col, sorted', async () => {
    expect(await lines(BROKEN, ['site.yml'])).toEqual([
      "site.yml:4:3: unknown play keyword 'gather_fact'; did you mean 'gather_facts'?",
      "site.yml:5:33: vars_files: 'vars/missing.yml' not found",
      "site.yml:7:5: 'bad-name' is not a valid variable name (letters, digits and _, not starting with a digit)",
      expect.stringMatching(/^site\.yml:9:7: role 'webb' not found \(looked in .*\); did you mean 'web'\?$/),
      "site.yml:13:7: unknown module 'copyy'; did you mean 'copy'?",
      "site.yml:15:42: copy: unsupported parameter 'mdoe'; did you mean 'mode'?",
      "site.yml:17:47: file: 'recurse' must be a boolean (true, false, yes, no) or a {{ template }}, got a list",
      "site.yml:19:29: file: 'state' must be one of file, directory, absent, link, hard, touch (or a {{ template }}), got 'directroy'",
      "site.yml:21:15: copy: could not find 'nowhere.txt' (looked in files/nowhere.txt, nowhere.txt)",
      "site.yml:23:19: template: could not find 'nowhere.hbs' (looked in templates/nowhere.hbs, nowhere.hbs)",
      "site.yml:27:16: template syntax error: unexpected '|'; Jinja filters are not supported inside a larger string: write {{default value fallback}} instead of '| default'",
      "site.yml:29:16: template syntax error: Jinja statements like '{% if %}' are not supported: write {{#if cond}}…{{else}}…{{/if}}",
      "site.yml:31:16: unknown filter 'to_jsn'; did you mean 'to_json'?",
      "site.yml:34:7: invalid condition 'app_name ==': unexpected end of expression",
      "site.yml:36:16: warning: 'app_nmae' is not defined by the playbook, its roles or vars files: it must come from the inventory or -e; did you mean 'app_name'?",
      "site.yml:39:7: task 'notifies a handler that does not exist' notifies 'restart ap', but the play has no handler with that name or listen topic; did you mean 'restart app'?",
      "site.yml:45:7: 'retries' must be a whole number, got 'many'",
      "site.yml:49:7: unknown block keyword 'rescuee'; did you mean 'rescue'?",
      'tasks/loop-b.yml:1:3: include cycle: tasks/loop-a.yml -> tasks/loop-b.yml -> tasks/loop-a.yml',
      'templates/broken.hbs:4:1: template syntax error: unexpected end of template (is a block or {{ left open?)',
    ]);
  });

  it('suggests a module written with its collection prefix under the same prefix', async () => {
    const dir = project({ 'site.yml': '- hosts: all\n  tasks:\n    - ansible.builtin.cpy: { src: a, dest: /b }\n' });
    expect(await lines(dir, ['site.yml'])).toEqual(["site.yml:3:7: unknown module 'ansible.builtin.cpy'; did you mean 'ansible.builtin.copy'?"]);
  });

  it('a variable nothing defines is an error once the inventory and -e are known, unless -e defines it', async () => {
    const inventory = project({ 'hosts.ini': '[web]\nweb1 app_port=80\n' });
    const withInventory = await lines(BROKEN, ['site.yml'], { inventory: [`${inventory}/hosts.ini`] });
    expect(withInventory).toContain(
      "site.yml:36:16: undefined variable 'app_nmae': not defined by the playbook, its roles, vars files, the inventory or -e; did you mean 'app_name'?",
    );
    const withExtra = await lines(BROKEN, ['site.yml'], { inventory: [`${inventory}/hosts.ini`], extraVars: { app_nmae: 1 } });
    expect(withExtra.join('\n')).not.toContain('app_nmae');
  });

  it('a group_vars file that holds a list is one problem, also when -i reads it too', async () => {
    const dir = project({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: { msg: hi }\n', 'group_vars/all.yml': '- a\n- b\n' });
    const expected = ['group_vars/all.yml:1:1: a variables file must be a mapping of names to values, got a list'];
    expect(await lines(dir, [''])).toEqual(expected);
    expect(await lines(dir, [''], { inventory: ['localhost,'] })).toEqual(expected);
  });

  it('near misses are classified as what they were meant to be, and get what run or inventory would say', async () => {
    const dir = project({
      'notalist.yml': 'hosts: all\ntasks:\n  - debug: msg=hi\n',
      'host.yml': '- host: all\n  tasks: [{ debug: { msg: hi } }]\n',
      'hostz.yml': 'all:\n  hostz:\n    a:\n',
      'group.yml': 'web:\n  chidren:\n    db:\n',
      // Still variables and tasks: a dict variable, a task with tags.
      'vars.yml': 'web:\n  host: example.org\nhosts: [a, b]\n',
      'tasks.yml': '- debug: { msg: hi }\n  tags: [x]\n',
    });
    expect(await lines(dir, ['notalist.yml', 'host.yml', 'hostz.yml', 'group.yml', 'vars.yml', 'tasks.yml'])).toEqual([
      expect.stringMatching(/^group\.yml:2:3: unknown key 'chidren' in .*did you mean 'children'\?/),
      "host.yml:1:3: play has no 'hosts'",
      "host.yml:1:3: unknown play keyword 'host'; did you mean 'hosts'?",
      expect.stringMatching(/^hostz\.yml:2:3: unknown key 'hostz' in .*did you mean 'hosts'\?/),
      'notalist.yml:1:1: a playbook must be a list of plays',
    ]);
  });

  it('template files: the variables they read are checked in the scope of the task that renders them', async () => {
    const inventory = project({ 'hosts.ini': '[web]\nweb1 from_inventory=1\n' });
    const dir = project({
      'site.yml': `- hosts: all
  vars: { x: 1 }
  tasks:
    - template: { src: t.j2, dest: /x }
      vars: { from_task: 1 }
    - template: { src: guarded.j2, dest: /y }
      when: maybe is defined
`,
      'templates/t.j2': 'a {{ x }} {{from_task}} {{from_inventory}}\nb {{ zz }}\n{{#if (defined opt)}}{{opt}}{{/if}} {{default other "-"}}\n{{#each (default xs (list))}}{{this}}{{/each}}\n',
      'templates/guarded.j2': '{{ maybe }}\n',
    });
    // guarded.j2 reads `maybe` only when the task's condition says it is defined.
    expect(await lines(dir, ['site.yml'], { inventory: [`${inventory}/hosts.ini`] })).toEqual([
      "templates/t.j2:2:6: undefined variable 'zz': not defined by the playbook, its roles, vars files, the inventory or -e; did you mean 'x'?",
    ]);
    expect(await lines(dir, ['site.yml'])).toEqual([
      "templates/t.j2:1:27: warning: 'from_inventory' is not defined by the playbook, its roles or vars files: it must come from the inventory or -e",
      "templates/t.j2:2:6: warning: 'zz' is not defined by the playbook, its roles or vars files: it must come from the inventory or -e; did you mean 'x'?",
    ]);
  });

  it('a clean project (playbooks, roles, inventories, templates, service) has no problem', async () => {
    expect(await lines(CLEAN, [''])).toEqual([]);
  });
});

describe('validate: rules, each on its own', () => {
  it('handlers: a role handler as `role : name` or plain, a listen topic; a missing one with a hint', async () => {
    const dir = project({
      'site.yml': `- hosts: all
  roles: [web]
  tasks:
    - command: /bin/true
      notify: ["web : reload", reload, everything]
    - command: /bin/true
      notify: "web : relaod"
  handlers:
    - name: all of them
      command: /bin/true
      listen: everything
`,
      'roles/web/tasks/main.yml': '- command: /bin/true\n  notify: reload\n',
      'roles/web/handlers/main.yml': '- name: reload\n  command: /bin/true\n',
    });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "site.yml:7:7: task 'command' notifies 'web : relaod', but the play has no handler with that name or listen topic; did you mean 'web : reload'?",
    ]);
  });

  it('listen on a task that is not a handler is refused, as Ansible does; in a role handler it is fine', async () => {
    const dir = project({
      'site.yml': '- hosts: all\n  roles: [web]\n  tasks:\n    - command: /bin/true\n      listen: topic\n',
      'roles/web/tasks/main.yml': '- command: /bin/true\n  listen: topic\n  notify: topic\n',
      'roles/web/handlers/main.yml': '- name: reload\n  command: /bin/true\n  listen: topic\n',
    });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "roles/web/tasks/main.yml:2:3: 'listen' is not a valid keyword for a task, only for a handler",
      "site.yml:5:7: 'listen' is not a valid keyword for a task, only for a handler",
    ]);
  });

  it('roles: missing role, missing tasks_from, dependency cycle; files and templates looked up in the role first', async () => {
    const dir = project({
      'site.yml': `- hosts: all
  roles:
    - a
  tasks:
    - include_role: { name: b, tasks_from: nope }
    - import_role: { name: nginxx }
`,
      'roles/a/meta/main.yml': 'dependencies: [b]\n',
      'roles/a/tasks/main.yml': '- template: { src: page.hbs, dest: /x }\n- copy: { src: data.txt, dest: /y }\n',
      'roles/a/templates/page.hbs': 'hello {{ inventory_hostname }}\n',
      'roles/a/files/data.txt': 'data\n',
      'roles/b/meta/main.yml': 'dependencies: [a]\n',
      'roles/b/tasks/main.yml': '- debug: { msg: b }\n',
    });
    const out = await lines(dir, ['site.yml']);
    expect(out).toEqual([
      'roles/a/meta/main.yml:1:16: role dependency cycle: roles/b -> roles/a -> roles/b',
      'roles/b/meta/main.yml:1:16: role dependency cycle: roles/a -> roles/b -> roles/a',
      "site.yml:5:23: role 'b' has no tasks/nope",
      expect.stringMatching(/^site\.yml:6:22: role 'nginxx' not found \(looked in .*\); did you mean 'nginx'\?$/),
    ]);
  });

  it('undefined variables: nothing reported for what the playbook defines, guards, loops and registers', async () => {
    const dir = project({
      'site.yml': `- hosts: all
  vars_files: [vars.yml]
  vars:
    a: 1
  pre_tasks:
    - set_fact: { b: 2 }
    - stat: { path: /x }
      register: st
    - include_vars: more.yml
  roles:
    - role: r
      p: 3
  tasks:
    - debug: { msg: "{{ a }} {{ b }} {{ st.stat.exists }} {{ c }} {{ d }} {{ p }} {{ rd }} {{ inventory_hostname }} {{ ansible_host }}" }
    - debug: { msg: "{{ item }} {{ idx }}" }
      loop: [1, 2]
      loop_control: { index_var: idx }
    - debug: { msg: "{{ x }}" }
      when: x is defined
    - debug: { msg: "{{ y | default(1) }}" }
    - debug: { msg: "{{default z 2}}" }
    - debug: { msg: "{{ hostvars[inventory_hostname].w }}" }
    - debug: { msg: "{{ q if q is defined else 1 }}" }
    - debug: { msg: "{{ nowhere }}" }
`,
      'vars.yml': 'c: 1\n',
      'vars/more.yml': 'd: 1\n',
      'roles/r/tasks/main.yml': '- debug: { msg: "{{ rd }}" }\n',
      'roles/r/defaults/main.yml': 'rd: 1\n',
    });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "site.yml:24:16: warning: 'nowhere' is not defined by the playbook, its roles or vars files: it must come from the inventory or -e",
    ]);
  });

  it('undefined variables are not checked when an include or vars file is chosen at run time', async () => {
    const dir = project({
      'site.yml': `- hosts: all
  tasks:
    - include_vars: "{{ env_name }}.yml"
    - debug: { msg: "{{ from_somewhere }}" }
`,
    });
    expect(await lines(dir, ['site.yml'])).toEqual([]);
  });

  it('a file with 5 problems reports 5', async () => {
    const dir = project({
      'five.yml': `- hosts: all
  tasks:
    - cpy: { dest: /x }
    - copy: { dest: /x, content: a, mdoe: 1 }
    - file: { path: /x, state: nope }
    - debug: { msg: hi }
      when: "a =="
    - command: /bin/true
      notify: nobody
`,
    });
    const out = await lines(dir, ['five.yml']);
    expect(out).toHaveLength(5);
    expect(out.map((l) => l.split(':').slice(0, 3).join(':'))).toEqual(['five.yml:3:7', 'five.yml:4:37', 'five.yml:5:25', 'five.yml:7:7', 'five.yml:9:7']);
  });

  it('module arguments: k=v strings, args:, free-form, missing or exclusive parameters, legacy names', async () => {
    const dir = project({
      'site.yml': `- hosts: all
  tasks:
    - copy: src=a.txt dest=/x mdoe=0644
    - command: ls -l creates=/x
      args: { chdir: /tmp, cwd: /x }
    - file: { state: directory }
    - copy: { content: a, src: a.txt, dest: /x }
    - ansible.legacy.stat: { path: /x }
    - ansible.builtin.shell: echo hi
    - meta: flush_handlers
    - stat:
`,
      'files/a.txt': 'a\n',
    });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "site.yml:3:7: copy: unsupported parameter 'mdoe'; did you mean 'mode'?",
      "site.yml:5:28: command: unsupported parameter 'cwd'; did you mean 'cmd'?",
      'site.yml:6:7: file: missing required parameter: give one of path, dest, name',
      'site.yml:7:7: copy: give only one of content, src',
      "site.yml:11:7: stat: missing required parameter 'path'",
    ]);
  });

  it('inventories (YAML against the schema, INI as the run reads it), variable files, service manifests', async () => {
    const dir = project({
      'inventory/hosts.yml': 'all:\n  hosts:\n    a: { ansible_port: x }\n  children:\n    web:\n      hostss: {}\n      vars: { bad-var: 1 }\n',
      'inventory/broken.ini': '[web\nweb1\n',
      'inventory/group_vars/web.yml': '- not a mapping\n',
      // No extension: the loader reads it, so validate checks it.
      'inventory/host_vars/web1': 'port: [unclosed\n',
      'playbooks/svc/service.yml': 'name: other\nport: http\nrequirments: {}\nconflicts: [nope]\n',
    });
    expect(await lines(dir, ['inventory', 'playbooks'])).toEqual([
      expect.stringMatching(/^inventory\/broken\.ini:1:1: /),
      'inventory/group_vars/web.yml:1:1: a variables file must be a mapping of names to values, got a list',
      expect.stringMatching(/^inventory\/host_vars\/web1:\d+:\d+: /),
      "inventory/hosts.yml:3:10: 'all.hosts.a.ansible_port' must be a whole number or a {{ template }}, got 'x'",
      "inventory/hosts.yml:6:7: unknown key 'hostss' in 'all.children.web'; did you mean 'hosts'?",
      "inventory/hosts.yml:7:15: 'bad-var' is not a valid variable name (letters, digits and _, not starting with a digit)",
      "playbooks/svc/service.yml:1:1: service name 'other' differs from its directory 'svc'",
      "playbooks/svc/service.yml:1:1: service 'svc' has no install.yml",
      "playbooks/svc/service.yml:2:1: 'port' must be a whole number, got a string",
      "playbooks/svc/service.yml:3:1: unknown key 'requirments' in service manifest; did you mean 'requirements'?",
      "playbooks/svc/service.yml:4:13: warning: conflicts: no service 'nope' beside this one",
    ]);
  });

  it('an INI inventory reports every malformed line, not only the first', async () => {
    const dir = project({ 'hosts.ini': '[web]\na ansible_port=22\nb = c\n[web:vars]\nx\n[db:vars]\ny=1\n[web:children]\nmissing\n' });
    expect(await lines(dir, ['hosts.ini'])).toEqual([
      "hosts.ini:3:3: expected key=value host variable assignment, got '='",
      "hosts.ini:5:1: expected key=value in [web:vars], got 'x'",
      "hosts.ini:6:1: section [db:vars] is for group 'db', which is not defined anywhere (add a [db] section, or fix the name)",
      "hosts.ini:9:1: group 'missing' is listed in [web:children] but not defined anywhere (add a [missing] section, even an empty one)",
    ]);
  });

  it('a template file reports every Jinja habit at its own line and column', async () => {
    const dir = project({
      'site.yml': '- hosts: all\n  tasks:\n    - template: { src: app.conf.j2, dest: /x }\n',
      'templates/app.conf.j2': "name={{ name }}\n  port={{ port | default(80) }}\n{% for h in hosts %}\n{{ h }}\n{% endfor %}\n",
    });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "templates/app.conf.j2:2:16: template syntax error: Jinja filters are not supported inside a larger string: write {{default value fallback}} instead of '| default'",
      'templates/app.conf.j2:3:1: template syntax error: Jinja statements like \'{% for %}\' are not supported: write {{#each list}}…{{this}}…{{/each}}',
      "templates/app.conf.j2:5:1: template syntax error: Jinja statements like '{% endfor %}' are not supported: write {{/each}}",
    ]);
  });

  it('a template file reports Jinja tests, operators, indexing, lookups and comments, each where it is', async () => {
    const dir = project({
      'site.yml': '- hosts: all\n  tasks:\n    - template: { src: t.j2, dest: /x }\n',
      'templates/t.j2': "a {{ x is defined }}\nb {{ x == 1 }} {{ xs[0] }}\n{# note #}\nc {{ lookup('env', 'HOME') }}\n",
    });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "templates/t.j2:1:8: template syntax error: Jinja tests ('is defined') are not supported inside a larger string: write {{defined value}} (in a condition: {{#if (defined value)}})",
      "templates/t.j2:2:8: template syntax error: Jinja operators ('==') are not supported inside a larger string: write {{eq a b}} (in a condition: {{#if (eq a b)}})",
      "templates/t.j2:2:19: template syntax error: Jinja indexing ('xs[0]') is not supported inside a larger string: write xs.[0]",
      "templates/t.j2:3:1: template syntax error: Jinja comments ('{# … #}') would be copied to the output: write {{!-- … --}}",
      "templates/t.j2:4:6: template syntax error: Ansible lookups ('lookup(…)') are not supported: pass the value in a variable (vars, the inventory or -e)",
    ]);
  });

  it('an unknown function is reported like an unknown filter, a lookup with what to do instead', async () => {
    const dir = project({
      'site.yml': "- hosts: all\n  tasks:\n    - debug: msg=\"{{ lookup('env','HOME') }}\"\n    - debug: { msg: '{{ rnage(3) }}' }\n      when: range(2) | length > 1\n",
    });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "site.yml:3:7: unknown function 'lookup'; Ansible lookups are not supported: pass the value in a variable (vars, the inventory or -e)",
      "site.yml:4:16: unknown function 'rnage'; did you mean 'range'?",
    ]);
  });

  it('a condition written with {{ }} says what to write instead', async () => {
    const dir = project({ 'site.yml': '- hosts: all\n  vars: { x: 1 }\n  tasks:\n    - debug: { msg: hi }\n      when: "{{ x }} == 1"\n' });
    expect(await lines(dir, ['site.yml'])).toEqual([
      "site.yml:5:7: invalid condition '{{ x }} == 1': unexpected token '}' (expected ':'); an expression needs no {{ }} around the variables in it: write 'x == 1'",
    ]);
  });

  it("a mock inventory's oasis_metadata is checked against the node metadata schema, at the key it is about", async () => {
    const dir = project({
      'mock.yml':
        'all:\n  hosts:\n    n1:\n      oasis_metadata:\n        load: { load1: high, load5: 0.1, load15: 0.1 }\n        services:\n          web: {}\n        labels: { "odd key/x": [1] }\n    n2:\n      oasis_metadata: { hostname: n2, services: {} }\n',
    });
    expect(await lines(dir, ['mock.yml'])).toEqual([
      'mock.yml:5:17: oasis_metadata.load.load1: must be number',
      "mock.yml:7:11: oasis_metadata.services.web: must have required property 'installedAt'",
      // A key with a space and a slash is still found: its JSON pointer is unescaped, not parsed from text.
      'mock.yml:8:19: oasis_metadata.labels.odd key/x: must be string',
    ]);
  });
});
