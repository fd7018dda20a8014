import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counters, runPlaybookText } from '../helpers/engine.js';

const ONE = '[web]\nh1 from_host=host\n[web:vars]\nansible_connection=local\nfrom_group=group\n';

/** A small role tree: app depends on base (twice: deduplicated) and on logger with params. */
const ROLES: Record<string, string> = {
  'roles/base/tasks/main.yml': '- shell: echo base >> $DIR/order\n',
  'roles/logger/meta/main.yml': 'allow_duplicates: true\n',
  'roles/logger/defaults/main.yml': 'tag: default\n',
  'roles/logger/tasks/main.yml': '- shell: echo "logger {{ tag }}" >> $DIR/order\n',
  'roles/app/meta/main.yml': 'dependencies:\n  - base\n  - role: logger\n    tag: one\n  - role: logger\n    tag: two\n',
  'roles/app/defaults/main.yml': 'd_only: role-default\nd_inv: role-default\nd_play: role-default\nd_extra: role-default\nport: 80\n',
  'roles/app/vars/main.yml': 'v_role: role-vars\nv_play: role-vars\n',
  'roles/app/tasks/main.yml': `- copy: { content: "{{ port }}\\n", dest: "$DIR/port" }
  notify: "app : restart"
- include_tasks: item.yml
  loop: [a, b]
- debug: { msg: "{{ d_only }} {{ d_inv }} {{ d_play }} {{ d_extra }} {{ v_role }} {{ v_play }} {{ p }}" }
  register: shown
- import_tasks: extra.yml
`,
  'roles/app/tasks/item.yml': '- shell: echo "item {{ item }}" >> $DIR/order\n',
  'roles/app/tasks/extra.yml': '- shell: echo extra >> $DIR/order\n',
  'roles/app/handlers/main.yml': '- name: restart\n  shell: echo restarted >> $DIR/order\n',
  'roles/app/templates/app.conf.hbs': 'port={{ port }}\n{{> footer}}\n',
  'roles/app/templates/footer.hbs': '# footer for {{ inventory_hostname }}\n',
  'roles/broken/tasks/main.yml': '- template: { src: bad.hbs, dest: "$DIR/bad" }\n',
  'roles/broken/templates/bad.hbs': 'line one\nline two {{ missing_var }}\n',
};

describe('roles', () => {
  it('dependencies first, deduplicated unless allow_duplicates; include_tasks in a loop; role : handler', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  vars: { d_play: play, v_play: play }
  roles:
    - role: app
      p: param
    - base
  tasks:
    - assert:
        that:
          - "shown.msg == 'role-default inventory play extra role-vars role-vars param'"
`,
      { inventory: ONE.replace('from_host=host', 'from_host=host d_inv=inventory'), files: ROLES, options: { extraVars: { d_extra: 'extra' } } },
    );
    expect(r.events.filter((e) => e.type === 'host_result' && e.status === 'failed')).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(r.dir, 'order'), 'utf8')).toBe('base\nlogger one\nlogger two\nitem a\nitem b\nextra\nrestarted\n');
    // `content: "{{ port }}\n"` is one expression: ansible-playbook 2.14 writes "80" too.
    expect(readFileSync(join(r.dir, 'port'), 'utf8')).toBe('80');
  });

  it('role templates and partials are looked up in the role first', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - import_role: { name: app, tasks_from: conf }
`,
      { inventory: ONE, files: { ...ROLES, 'roles/app/tasks/conf.yml': '- template: { src: app.conf.hbs, dest: "$DIR/app.conf" }\n' } },
    );
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(r.dir, 'app.conf'), 'utf8')).toBe('port=80\n# footer for h1\n');
  });

  it('include_role with parameters runs at run time, per loop item', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - include_role: { name: logger, tag: "{{ item }}" }
      loop: [x, y]
`,
      { inventory: ONE, files: ROLES },
    );
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(r.dir, 'order'), 'utf8')).toBe('logger x\nlogger y\n');
    expect(counters(r.recap['h1'])).toBe('ok=2 changed=2 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0');
  });

  it('an undefined variable in a role template fails with the template file and line', async () => {
    const r = await runPlaybookText(`- hosts: all\n  roles: [broken]\n`, { inventory: ONE, files: ROLES });
    expect(r.exitCode).toBe(2);
    const failed = r.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(failed && failed.type === 'host_result' && failed.msg).toMatch(/roles\/broken\/templates\/bad\.hbs:2:\d+: undefined variable 'missing_var'/);
  });

  it('a missing role is an error naming the play line and the places looked in', async () => {
    await expect(runPlaybookText(`- hosts: all\n  roles:\n    - nope\n`, { inventory: ONE, files: ROLES })).rejects.toThrow(/play\.yml:3:7: role 'nope' not found \(looked in .*roles/);
  });

  it('hostvars carries other hosts\' registered results and facts (a join token from a master)', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - shell: echo token-{{ inventory_hostname }}
      register: join
      when: inventory_hostname == 'h1'
    - set_fact: { role_name: "{{ 'master' if inventory_hostname == 'h1' else 'worker' }}" }
- hosts: all
  tasks:
    - assert:
        that:
          - hostvars['h1'].join.stdout == 'token-h1'
          - hostvars['h2'].role_name == 'worker'
          - hostvars[inventory_hostname].ansible_host == inventory_hostname
          - groups['local'] == ['h1', 'h2', 'h3']
          - play_hosts | length == 3
`,
    );
    expect(r.events.filter((e) => e.type === 'host_result' && e.status === 'failed')).toEqual([]);
    expect(r.exitCode).toBe(0);
  });
});
