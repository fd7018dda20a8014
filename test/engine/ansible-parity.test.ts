import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_HOSTS, runBoth, type Side } from '../helpers/parity.js';

const read = (side: Side, file: string) => readFileSync(join(side.dir, file), 'utf8');

/** Banners, `included:` lines, recap and exit code agree. */
function expectSameRun(ours: Side, theirs: Side): void {
  expect(theirs.recap.length, theirs.stdout + theirs.stderr).toBeGreaterThan(0);
  expect(ours.banners).toEqual(theirs.banners);
  expect(ours.included).toEqual(theirs.included);
  expect(ours.recap).toEqual(theirs.recap);
  expect(ours.code).toBe(theirs.code);
}

// Each case runs the same playbook through oasis-play and the installed ansible-playbook.
describe('the same playbook through oasis-play and ansible-playbook (local connection)', () => {
  it('hosts and names are rendered; vars_files are chosen per host', async () => {
    const yaml = `- hosts: "{{ target }}"
  name: "deploy to {{ target }}"
  gather_facts: false
  vars: { target: g }
  vars_files: ["{{ flavour }}.yml"]
  tasks:
    - name: "write {{ x }}"
      copy: { content: "{{ x }}\\n", dest: "$DIR/x_{{ inventory_hostname }}" }
`;
    const files = { 'a.yml': 'x: from-a\n', 'b.yml': 'x: from-b\n' };
    const inventory = LOCAL_HOSTS.replace('h1\nh2\nh3', 'h1 flavour=a\nh2 flavour=b\nh3 flavour=a');
    const { ours, theirs } = await runBoth(yaml, { files, inventory });
    expectSameRun(ours, theirs);
    expect(ours.banners).toEqual(['PLAY [deploy to g]', 'TASK [write from-a]']);
    for (const h of ['h1', 'h2', 'h3']) expect(read(ours, `x_${h}`)).toBe(read(theirs, `x_${h}`));
    expect(read(ours, 'x_h2')).toBe('from-b\n');

    const narrowed = await runBoth(yaml, { files, inventory, args: ['-e', 'target=h2'] });
    expectSameRun(narrowed.ours, narrowed.theirs);
    expect(narrowed.ours.recap.map((l) => l.split(' ')[0])).toEqual(['h2']);
  });

  it('run_once runs on the first host of the batch even when another gets there first; templated flags', async () => {
    const yaml = `- hosts: g
  gather_facts: false
  vars: { once: "{{ true }}", quiet: "{{ 1 == 1 }}" }
  tasks:
    - command: sleep {{ delay }}
    - shell: echo {{ inventory_hostname }} | tee -a $DIR/ran
      run_once: "{{ once }}"
      register: o
    - copy: { content: "{{ o.stdout }}", dest: "$DIR/seen_{{ inventory_hostname }}" }
    - debug: { msg: "s3cret-{{ inventory_hostname }}" }
      no_log: "{{ quiet }}"
`;
    // h1 is the slowest to reach the run_once task: it must still be the one that runs it.
    const inventory = LOCAL_HOSTS.replace('h1\nh2\nh3', 'h1 delay=0.6\nh2 delay=0\nh3 delay=0');
    const { ours, theirs } = await runBoth(yaml, { inventory });
    expectSameRun(ours, theirs);
    expect(read(ours, 'ran')).toBe('h1\n');
    expect(read(theirs, 'ran')).toBe('h1\n');
    for (const h of ['h1', 'h2', 'h3']) expect(read(ours, `seen_${h}`)).toBe('h1');
    expect(ours.stdout).not.toContain('s3cret');
    expect(theirs.stdout).not.toContain('s3cret');
  });

  it('a templated any_errors_fatal stops every host when it renders true on the failing one', async () => {
    const yaml = `- hosts: g
  gather_facts: false
  vars: { fatal: "{{ inventory_hostname == 'h2' }}" }
  tasks:
    - command: /bin/false
      when: inventory_hostname == 'h2'
      any_errors_fatal: "{{ fatal }}"
    - shell: echo {{ inventory_hostname }} >> $DIR/after
`;
    const { ours, theirs } = await runBoth(yaml);
    expectSameRun(ours, theirs);
    expect(ours.code).toBe(2);
    expect(() => read(ours, 'after')).toThrow(/ENOENT/);
  });

  it('include_tasks counts and shows each file and item; include_role does not; skipped includes count as skipped', async () => {
    const yaml = `- hosts: g
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      loop: [a, b]
    - include_tasks: inc.yml
      when: inventory_hostname == 'h1'
    - include_role: { name: r }
`;
    const files = { 'inc.yml': '- shell: echo {{ inventory_hostname }} >> $DIR/inc_{{ inventory_hostname }}\n', 'roles/r/tasks/main.yml': '- name: in role\n  shell: echo role >> $DIR/role_{{ inventory_hostname }}\n' };
    const { ours, theirs } = await runBoth(yaml, { files });
    expectSameRun(ours, theirs);
    expect(ours.included).toEqual(['included: $DIR/inc.yml for h1, h2, h3 => (item=a)', 'included: $DIR/inc.yml for h1, h2, h3 => (item=b)', 'included: $DIR/inc.yml for h1']);
    for (const h of ['h1', 'h2', 'h3']) expect(read(ours, `inc_${h}`)).toBe(read(theirs, `inc_${h}`));
  });

  it('k=v values decode escapes as Ansible does', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - copy: content="a\\nb\\t\\"q\\" \\x41\\u00e9" dest=$DIR/kv
    - copy: content='single \\\\ back' dest=$DIR/kv2
`;
    const { ours, theirs } = await runBoth(yaml);
    expectSameRun(ours, theirs);
    expect(read(ours, 'kv')).toBe('a\nb\t"q" Aé');
    expect(read(ours, 'kv')).toBe(read(theirs, 'kv'));
    expect(read(ours, 'kv2')).toBe(read(theirs, 'kv2'));
  });

  it('lineinfile, blockinfile and replace return the keys and messages Ansible returns', async () => {
    // A new file's mode and a mode fixed with an edit add to the message; no file attributes come
    // back. (Ansible's registered results also carry failed and diff: a difference of the engine.)
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - lineinfile: { path: "$DIR/m.conf", line: "a=1", create: true, mode: "0600" }
      register: r1
    - lineinfile: { path: "$DIR/m.conf", line: "a=1", state: absent, backup: true }
      register: r2
    - blockinfile: { path: "$DIR/m.conf", block: "x", backup: true }
      register: r3
    - replace: { path: "$DIR/m.conf", regexp: "x", replace: "y", mode: "0640" }
      register: r4
    - copy: { dest: "$DIR/keys1", content: "{{ k }} {{ r1.msg }}" }
      vars: { k: "{{ r1 | dict2items | map(attribute='key') | difference(['diff', 'failed']) | sort | join(',') }}" }
    - copy: { dest: "$DIR/keys2", content: "{{ k }} {{ r2.msg }}" }
      vars: { k: "{{ r2 | dict2items | map(attribute='key') | difference(['diff', 'failed']) | sort | join(',') }}" }
    - copy: { dest: "$DIR/keys3", content: "{{ k }} {{ r3.msg }}" }
      vars: { k: "{{ r3 | dict2items | map(attribute='key') | difference(['diff', 'failed']) | sort | join(',') }}" }
    - copy: { dest: "$DIR/keys4", content: "{{ k }} {{ r4.msg }}" }
      vars: { k: "{{ r4 | dict2items | map(attribute='key') | difference(['diff', 'failed']) | sort | join(',') }}" }
    - copy: { dest: "$DIR/more", content: "{{ r2.found }} {{ m }} {{ r4.rc }}" }
      vars: { m: "{{ 'backup made' if r2.backup is match('$DIR/m.conf.') else 'no backup' }}" }
`;
    const { ours, theirs } = await runBoth(yaml);
    expectSameRun(ours, theirs);
    for (const f of ['keys1', 'keys2', 'keys3', 'keys4', 'more']) expect(read(ours, f), f).toBe(read(theirs, f));
    expect(read(ours, 'keys1')).toBe('backup,changed,msg line added and ownership, perms or SE linux context changed');
    expect(read(ours, 'more')).toBe('1 backup made 0');
  });

  it('registered results say failed: false; a loop says skipped: false; the host lines leave both out', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - command: "true"
      register: r1
    - command: "echo {{ item }}"
      loop: [a, b]
      register: r2
    - command: "true"
      when: false
      register: r3
    - command: "false"
      register: r4
      ignore_errors: true
    - copy: { dest: "$DIR/keys", content: "{{ k }}" }
      vars: { k: "{{ [r1, r2, r2.results[0], r3, r4] | map('dict2items') | map('map', attribute='key') | map('difference', ['invocation']) | map('sort') | map('join', ',') | join(' / ') }}" }
    - copy: { dest: "$DIR/flags", content: "{{ f }}" }
      vars: { f: "{{ [r1.failed, r2.skipped, r4.failed] | map('string') | map('lower') | join(',') }}" }
      when: not r1.failed
`;
    const { ours, theirs } = await runBoth(yaml, { args: ['-v'] });
    expectSameRun(ours, theirs);
    expect(read(ours, 'keys')).toBe(read(theirs, 'keys'));
    expect(read(ours, 'flags')).toBe('false,false,true');
    expect(read(ours, 'flags')).toBe(read(theirs, 'flags'));
    // The command tasks' host lines: the same keys after "=>" (values such as times differ run to
    // run). The copy tasks' differ: Ansible's copy also returns md5sum and its temporary src.
    const keysShown = (side: Side) =>
      side.stdout
        .split('\n')
        .filter((l) => / => \{/.test(l))
        .slice(0, 5)
        .map((l) => [...l.matchAll(/"(\w+)": /g)].map((m) => m[1]).join(','));
    expect(keysShown(ours)).toEqual(keysShown(theirs));
    expect(keysShown(ours)[3]).toBe('changed,skip_reason');
  });

  it('a loop over no items, and one whose items were all skipped: the same result and the same -v lines', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - command: "echo {{ item }}"
      loop: []
      register: r1
    - command: "echo {{ item }}"
      loop: [a]
      when: false
      register: r2
    - copy: { dest: "$DIR/results", content: "{{ k }}" }
      vars: { k: "{{ [r1, r2 | dict2items | rejectattr('key', 'eq', 'results') | items2dict] | to_nice_json }}" }
`;
    const { ours, theirs } = await runBoth(yaml, { args: ['-v'] });
    expectSameRun(ours, theirs);
    expect(read(ours, 'results')).toBe(read(theirs, 'results'));
    const skipping = (side: Side) => side.stdout.split('\n').filter((l) => l.startsWith('skipping:'));
    expect(skipping(ours)).toEqual(skipping(theirs));
    expect(skipping(ours)).toContain('skipping: [h1] => {"changed": false, "msg": "All items skipped"}');
  });

  it('gathered facts sit below play vars', async () => {
    const yaml = `- hosts: h1
  gather_facts: true
  vars: { ansible_hostname: from-play }
  tasks:
    - copy: { content: "{{ ansible_hostname }}", dest: "$DIR/name" }
    - copy: { content: "{{ ansible_facts.hostname == ansible_hostname }}", dest: "$DIR/same" }
`;
    const { ours, theirs } = await runBoth(yaml);
    expectSameRun(ours, theirs);
    expect(read(ours, 'name')).toBe('from-play');
    expect(read(theirs, 'name')).toBe('from-play');
    // ansible_facts itself keeps the gathered value.
    expect(read(theirs, 'same')).toBe('False');
    expect(read(ours, 'same')).toBe(read(theirs, 'same'));
  });
});

describe('play structure through oasis-play and ansible-playbook', () => {
  it('pre_tasks, roles, tasks and post_tasks in order, handlers flushed after each section', async () => {
    const log = (what: string) => `shell: echo ${what} >> $DIR/order_{{ inventory_hostname }}`;
    const yaml = `- hosts: g
  gather_facts: false
  pre_tasks:
    - ${log('pre')}
      notify: note
  roles: [r]
  tasks:
    - ${log('task')}
      notify: note
  post_tasks:
    - ${log('post')}
      notify: note
  handlers:
    - name: note
      ${log('handler')}
`;
    const files = { 'roles/r/tasks/main.yml': `- name: role step\n  ${log('role')}\n` };
    const { ours, theirs } = await runBoth(yaml, { files });
    expectSameRun(ours, theirs);
    for (const h of ['h1', 'h2', 'h3']) {
      expect(read(ours, `order_${h}`)).toBe('pre\nhandler\nrole\ntask\nhandler\npost\nhandler\n');
      expect(read(ours, `order_${h}`)).toBe(read(theirs, `order_${h}`));
    }
  });

  // Ansible judges end_play's `when` on the first host only (its docs: "Conditionals will work as if run_once is being used").
  it('meta end_play ends the play for every host when the first host says so; the next play runs', async () => {
    const yaml = `- hosts: g
  gather_facts: false
  tasks:
    - shell: echo one >> $DIR/p1_{{ inventory_hostname }}
    - meta: end_play
      when: inventory_hostname == 'h2'
    - shell: echo two >> $DIR/p1_{{ inventory_hostname }}
    - meta: end_play
      when: inventory_hostname == 'h1'
    - shell: echo three >> $DIR/p1_{{ inventory_hostname }}
- hosts: g
  gather_facts: false
  tasks:
    - shell: echo next >> $DIR/p2_{{ inventory_hostname }}
`;
    const { ours, theirs } = await runBoth(yaml);
    expectSameRun(ours, theirs);
    for (const h of ['h1', 'h2', 'h3']) {
      expect(read(ours, `p1_${h}`)).toBe('one\ntwo\n');
      expect(read(ours, `p1_${h}`)).toBe(read(theirs, `p1_${h}`));
      expect(read(ours, `p2_${h}`)).toBe('next\n');
    }
  });

  it('import_playbook runs the imported plays in place, with their own directory', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - shell: echo first >> $DIR/order
- import_playbook: sub/other.yml
- hosts: h1
  gather_facts: false
  tasks:
    - shell: echo last >> $DIR/order
`;
    const files = {
      'sub/other.yml': '- hosts: h1\n  gather_facts: false\n  name: imported\n  tasks:\n    - copy: { src: note.txt, dest: $DIR/copied }\n    - shell: echo imported >> $DIR/order\n',
      'sub/files/note.txt': 'from the imported playbook directory\n',
    };
    const { ours, theirs } = await runBoth(yaml, { files });
    expectSameRun(ours, theirs);
    expect(read(ours, 'order')).toBe('first\nimported\nlast\n');
    expect(read(ours, 'copied')).toBe(read(theirs, 'copied'));
  });

  it('include_vars with name: loads the file under that one variable', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - include_vars: { file: bundle.yml, name: bundle }
    - copy: { content: "{{ bundle.port }} {{ bundle.name }}", dest: $DIR/bundle }
    - include_vars: bundle.yml
    - copy: { content: "{{ port }}", dest: $DIR/flat }
`;
    const { ours, theirs } = await runBoth(yaml, { files: { 'bundle.yml': 'port: 8080\nname: web\n' } });
    expectSameRun(ours, theirs);
    expect(read(ours, 'bundle')).toBe('8080 web');
    expect(read(ours, 'bundle')).toBe(read(theirs, 'bundle'));
    expect(read(ours, 'flat')).toBe(read(theirs, 'flat'));
  });

  it('a condition that cannot be evaluated fails the task where it is written, and ignore_errors ignores it', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - block:
        - debug: { msg: in the block }
      when: not_defined_anywhere
      ignore_errors: true
    - debug:
        msg: second
      when: also_undefined
`;
    const { ours, theirs } = await runBoth(yaml);
    expectSameRun(ours, theirs);
    expect(ours.stdout).toContain('...ignoring');
    expect(ours.stdout).toMatch(/play\.yml:4:7: when: 'not_defined_anywhere' is undefined/);
    expect(ours.stdout).toMatch(/play\.yml:10:7: when: 'also_undefined' is undefined/);
  });

  it('vars: as a list of mappings (the older form) is merged in order, on plays and tasks', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  vars:
    - { a: 1, b: 1 }
    - { b: 2 }
  tasks:
    - copy: { content: "{{ a }} {{ b }} {{ c }}", dest: $DIR/merged }
      vars:
        - { c: 3 }
`;
    const { ours, theirs } = await runBoth(yaml);
    expectSameRun(ours, theirs);
    expect(read(theirs, 'merged')).toBe('1 2 3');
    expect(read(ours, 'merged')).toBe(read(theirs, 'merged'));
  });

  it('set_fact beats include_vars whichever comes first; a later include_vars beats an earlier one', async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  tasks:
    - set_fact: { a: set_fact }
    - include_vars: one.yml
    - include_vars: two.yml
    - set_fact: { c: set_fact }
    - copy: { content: "{{ a }} {{ b }} {{ c }}", dest: $DIR/order }
`;
    const { ours, theirs } = await runBoth(yaml, { files: { 'one.yml': 'a: one\nb: one\nc: one\n', 'two.yml': 'b: two\n' } });
    expectSameRun(ours, theirs);
    expect(read(theirs, 'order')).toBe('set_fact two set_fact');
    expect(read(ours, 'order')).toBe(read(theirs, 'order'));
  });

  it("the defaults and vars of a play's roles are visible to the whole play; play vars beat role defaults, role vars beat play vars", async () => {
    const yaml = `- hosts: h1
  gather_facts: false
  vars: { both: play, over_default: play }
  roles:
    - role: r
  tasks:
    - copy: { content: "{{ only_default }} {{ only_var }} {{ both }} {{ over_default }}", dest: $DIR/seen }
`;
    const files = {
      'roles/r/tasks/main.yml': '- debug: { msg: in the role }\n',
      'roles/r/defaults/main.yml': 'only_default: default\nover_default: default\n',
      'roles/r/vars/main.yml': 'only_var: rolevar\nboth: rolevar\n',
    };
    const { ours, theirs } = await runBoth(yaml, { files });
    expectSameRun(ours, theirs);
    expect(read(theirs, 'seen')).toBe('default rolevar rolevar play');
    expect(read(ours, 'seen')).toBe(read(theirs, 'seen'));
  });

  it('facts are not gathered unless asked (a deliberate difference: Ansible gathers by default)', async () => {
    const yaml = `- hosts: h1
  tasks:
    - copy: { content: "{{ ansible_hostname is defined }}", dest: $DIR/gathered }
`;
    const { ours, theirs } = await runBoth(yaml);
    expect(ours.code).toBe(0);
    expect(ours.banners).toEqual(['PLAY [h1]', 'TASK [copy]']);
    expect(theirs.banners).toEqual(['PLAY [h1]', 'TASK [Gathering Facts]', 'TASK [copy]']);
    expect(read(ours, 'gathered')).toBe('False');
    expect(read(theirs, 'gathered')).toBe('True');
  });
});

describe('roles through oasis-play and ansible-playbook', () => {
  const log = (what: string) => `shell: echo ${what} >> $DIR/order_{{ inventory_hostname }}`;
  const yaml = `- hosts: g
  gather_facts: false
  roles:
    - role: web
      when: inventory_hostname != 'h3'
      tags: [web]
    - role: shared
      tags: [shared]
  tasks:
    - ${log('tasks')}
`;
  const files = {
    'roles/web/tasks/main.yml': '- copy: { src: page.html, dest: "$DIR/page_{{ inventory_hostname }}" }\n  notify: reload web\n',
    'roles/web/files/page.html': 'from the role\n',
    // The handler reads the role's default and var: it runs in the role's scope.
    'roles/web/handlers/main.yml': `- name: reload web\n  ${log('reloaded-{{ web_word }}-{{ web_var }}')}\n`,
    'roles/web/defaults/main.yml': 'web_word: default\n',
    'roles/web/vars/main.yml': 'web_var: rolevar\n',
    // The playbook's own files/ must lose to the role's.
    'files/page.html': 'from the playbook\n',
    'elsewhere/shared/tasks/main.yml': `- ${log('shared')}\n`,
  };
  // The second role is found only through the configured roles path.
  const env = (dir: string) => ({ ours: { OASIS_ROLES_PATH: join(dir, 'elsewhere') }, theirs: { ANSIBLE_ROLES_PATH: join(dir, 'elsewhere') } });

  it('roles: with when and tags, files/ from the role first, a role handler by its bare name, the roles path', async () => {
    const { ours, theirs } = await runBoth(yaml, { files, env });
    expectSameRun(ours, theirs);
    for (const h of ['h1', 'h2']) {
      expect(read(ours, `page_${h}`)).toBe('from the role\n');
      expect(read(ours, `order_${h}`)).toBe('shared\ntasks\nreloaded-default-rolevar\n');
    }
    expect(read(ours, 'order_h3')).toBe('shared\ntasks\n');
    for (const h of ['h1', 'h2', 'h3']) expect(read(ours, `order_${h}`)).toBe(read(theirs, `order_${h}`));
  });

  it('-t selects one role of the play', async () => {
    const { ours, theirs } = await runBoth(yaml, { files, env, args: ['-t', 'shared'] });
    expectSameRun(ours, theirs);
    for (const h of ['h1', 'h2', 'h3']) {
      expect(read(ours, `order_${h}`)).toBe('shared\n');
      expect(read(theirs, `order_${h}`)).toBe('shared\n');
    }
  });
});
