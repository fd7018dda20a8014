import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counters, runPlaybookText } from '../helpers/engine.js';

const ONE = '[local]\nh1\n[local:vars]\nansible_connection=local\n';

describe('engine semantics (local connection, counting as ansible-core 2.14 does)', () => {
  it('when, changed_when, failed_when, ignore_errors and register', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - command: echo hi
      register: out
      changed_when: false
    - debug: { msg: skipped }
      when: out.stdout != 'hi'
    - command: echo changed
    - command: "false"
      ignore_errors: true
    - shell: echo oops; exit 1
      register: soft
      failed_when: "'fatal' in soft.stdout"
    - assert: { that: ["out is succeeded", "soft.rc == 1", "not (soft is failed)", "out.stdout_lines == ['hi']"] }
`,
      { inventory: ONE },
    );
    expect(r.exitCode).toBe(0);
    expect(counters(r.recap['h1'])).toBe('ok=5 changed=3 unreachable=0 failed=0 skipped=1 rescued=0 ignored=1');
  });

  it('an undefined variable in an argument is reported at its own line and column', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  ignore_errors: true
  tasks:
    - debug:
        msg: "a {{ nope1 }}"
    - set_fact:
        x: b {{ nope2 }}
    - copy:
        dest: $DIR/out
        content: |
          line one
            two {{ nope3 }}
`,
      { inventory: ONE },
    );
    const messages = r.events.flatMap((e) => (e.type === 'host_result' ? [String((e.result as { msg?: unknown }).msg)] : []));
    expect(messages).toEqual([
      expect.stringMatching(/play\.yml:5:20: undefined variable 'nope1'/),
      expect.stringMatching(/play\.yml:7:17: undefined variable 'nope2'/),
      expect.stringMatching(/play\.yml:12:20: undefined variable 'nope3'/),
    ]);
  });

  it('block / rescue / always: a rescued failure counts as rescued, always runs', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - block:
        - command: "false"
        - debug: { msg: never reached }
      rescue:
        - debug: { msg: "rescued {{ ansible_failed_task.name }}" }
      always:
        - copy: { content: "always\\n", dest: "$DIR/always" }
    - block:
        - fail: { msg: no rescue here }
      always:
        - copy: { content: "second\\n", dest: "$DIR/second" }
    - debug: { msg: not reached after an unrescued failure }
`,
      { inventory: ONE },
    );
    expect(r.exitCode).toBe(2);
    expect(counters(r.recap['h1'])).toBe('ok=3 changed=2 unreachable=0 failed=1 skipped=0 rescued=1 ignored=0');
    expect(readFileSync(join(r.dir, 'always'), 'utf8')).toBe('always\n');
    expect(readFileSync(join(r.dir, 'second'), 'utf8')).toBe('second\n');
  });

  it('loops: native list from one expression, per-item when, loop_control, results', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  vars:
    flavours: [vanilla, chocolate, mint]
  tasks:
    - command: echo {{ flavour }}
      loop: "{{ flavours }}"
      loop_control: { loop_var: flavour, label: "{{ flavour | upper }}", index_var: i }
      when: flavour != 'mint'
      register: made
    - assert:
        that:
          - made.results | length == 3
          - made.results[0].stdout == 'vanilla'
          - made.results[2] is skipped
          - made is changed
    - debug: { msg: "{{ item }}" }
      with_items: [[a, b], c]
      register: flat
    - assert: { that: ["flat.results | length == 3"] }
    - debug: { msg: none }
      loop: []
`,
      { inventory: ONE },
    );
    expect(r.exitCode).toBe(0);
    expect(r.lines.filter((l) => l.startsWith('h1:changed') || l.startsWith('h1:skipped'))).toEqual(['h1:changed:VANILLA', 'h1:changed:CHOCOLATE', 'h1:skipped:MINT', 'h1:skipped']);
    expect(counters(r.recap['h1'])).toBe('ok=4 changed=1 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0');
  });

  it('a loop with a failing item runs every item, then fails the task', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - shell: test {{ item }} != 2
      loop: [1, 2, 3]
      register: res
      ignore_errors: true
    - assert: { that: ["res is failed", "res.results | length == 3", "res.results[2].rc == 0"] }
`,
      { inventory: ONE },
    );
    expect(r.exitCode).toBe(0);
    expect(r.lines).toContain('h1:failed:2');
    expect(counters(r.recap['h1'])).toBe('ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=1');
  });

  it('handlers: once per host, definition order, only after a change, listen, flush_handlers', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - copy: { content: "1\\n", dest: "$DIR/{{ inventory_hostname }}.conf" }
      notify: [second, first]
    - copy: { content: "1\\n", dest: "$DIR/{{ inventory_hostname }}.conf" }
      notify: never runs
    - command: echo x
      notify: topic
    - meta: flush_handlers
    - shell: cat $DIR/{{ inventory_hostname }}.log
      register: log
      changed_when: false
    - assert: { that: ["log.stdout_lines == ['first', 'second', 'listener']"] }
  handlers:
    - name: first
      shell: echo first >> $DIR/{{ inventory_hostname }}.log
    - name: second
      shell: echo second >> $DIR/{{ inventory_hostname }}.log
    - name: never runs
      shell: echo never >> $DIR/{{ inventory_hostname }}.log
    - name: listener
      listen: topic
      shell: echo listener >> $DIR/{{ inventory_hostname }}.log
`,
    );
    expect(r.exitCode).toBe(0);
    for (const h of ['h1', 'h2', 'h3']) {
      expect(readFileSync(join(r.dir, `${h}.log`), 'utf8')).toBe('first\nsecond\nlistener\n');
    }
  });

  it('a notify naming no handler is refused before anything runs', async () => {
    await expect(runPlaybookText(`- hosts: all\n  tasks:\n    - command: echo\n      notify: nope\n`, { inventory: ONE })).rejects.toThrow(
      /play\.yml:4:7: task 'command' notifies 'nope', but the play has no handler/,
    );
  });

  it('tags: -t, --skip-tags, always and never', async () => {
    const yaml = `- hosts: all
  tasks:
    - { debug: { msg: a }, tags: [a] }
    - { debug: { msg: b }, tags: b }
    - { debug: { msg: always }, tags: [always] }
    - { debug: { msg: never }, tags: [never, debug] }
    - debug: { msg: untagged }
`;
    const msgs = (r: Awaited<ReturnType<typeof runPlaybookText>>) =>
      r.events.flatMap((e) => (e.type === 'host_result' ? [String(e.result['msg'])] : []));
    expect(msgs(await runPlaybookText(yaml, { inventory: ONE }))).toEqual(['a', 'b', 'always', 'untagged']);
    expect(msgs(await runPlaybookText(yaml, { inventory: ONE, options: { tags: { only: ['a'], skip: [] } } }))).toEqual(['a', 'always']);
    expect(msgs(await runPlaybookText(yaml, { inventory: ONE, options: { tags: { only: ['debug'], skip: [] } } }))).toEqual(['always', 'never']);
    expect(msgs(await runPlaybookText(yaml, { inventory: ONE, options: { tags: { only: [], skip: ['a', 'always'] } } }))).toEqual(['b', 'untagged']);
  });

  it('until / retries / delay retry until the condition holds', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - shell: echo x >> $DIR/attempts; wc -l < $DIR/attempts
      register: n
      until: n.stdout | int >= 3
      retries: 5
      delay: 0
    - assert: { that: ["n.attempts == 3"] }
    - command: "false"
      register: never
      until: never is succeeded
      retries: 2
      delay: 0
`,
      { inventory: ONE },
    );
    expect(r.exitCode).toBe(2);
    expect(readFileSync(join(r.dir, 'attempts'), 'utf8')).toBe('x\nx\nx\n');
    expect(counters(r.recap['h1'])).toBe('ok=2 changed=1 unreachable=0 failed=1 skipped=0 rescued=0 ignored=0');
  });

  it('run_once runs on the first host, counts there only, and shares the registered result', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - shell: echo {{ inventory_hostname }} >> $DIR/once
      run_once: true
      register: once
    - assert: { that: ["once is changed"] }
`,
    );
    expect(readFileSync(join(r.dir, 'once'), 'utf8')).toBe('h1\n');
    expect(counters(r.recap['h1'])).toBe('ok=2 changed=1 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0');
    expect(counters(r.recap['h2'])).toBe('ok=1 changed=0 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0');
  });

  it('delegate_to localhost runs there with the host variables of the task host', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - shell: echo {{ inventory_hostname }} >> $DIR/delegated
      delegate_to: localhost
`,
      { inventory: '[web]\nnode1 ansible_host=127.0.0.1 ansible_port=1\n' },
    );
    expect(r.exitCode).toBe(0);
    expect(readFileSync(join(r.dir, 'delegated'), 'utf8')).toBe('node1\n');
    expect(r.events.find((e) => e.type === 'host_result')).toMatchObject({ host: 'node1', delegatedTo: 'localhost', status: 'changed' });
  });

  it('serial runs the whole play batch by batch; the linear strategy keeps hosts in step', async () => {
    const yaml = (extra: string) => `- hosts: all
  ${extra}
  tasks:
    - shell: echo {{ inventory_hostname }}-a >> $DIR/order
    - shell: echo {{ inventory_hostname }}-b >> $DIR/order
`;
    const serial = await runPlaybookText(yaml('serial: 1'));
    expect(readFileSync(join(serial.dir, 'order'), 'utf8')).toBe('h1-a\nh1-b\nh2-a\nh2-b\nh3-a\nh3-b\n');
    const linear = await runPlaybookText(yaml('serial: [1, "100%"]'));
    const lines = readFileSync(join(linear.dir, 'order'), 'utf8').trim().split('\n');
    expect(lines.slice(0, 2)).toEqual(['h1-a', 'h1-b']);
    expect(lines.slice(2, 4).sort()).toEqual(['h2-a', 'h3-a']);
    expect(lines.slice(4).sort()).toEqual(['h2-b', 'h3-b']);
  });

  it('any_errors_fatal stops every host; max_fail_percentage stops the play when exceeded', async () => {
    const yaml = (key: string) => `- hosts: all
  ${key}
  tasks:
    - command: "{{ 'false' if inventory_hostname == 'h2' else 'true' }}"
    - shell: echo {{ inventory_hostname }} >> $DIR/after
- hosts: all
  tasks:
    - shell: echo {{ inventory_hostname }} >> $DIR/play2
`;
    const fatal = await runPlaybookText(yaml('any_errors_fatal: true'));
    expect(fatal.exitCode).toBe(2);
    expect(existsSync(join(fatal.dir, 'after'))).toBe(false);
    expect(existsSync(join(fatal.dir, 'play2'))).toBe(false);
    const tolerant = await runPlaybookText(yaml('max_fail_percentage: 50'));
    expect(readFileSync(join(tolerant.dir, 'after'), 'utf8').trim().split('\n').sort()).toEqual(['h1', 'h3']);
    // A failed host takes no part in later plays.
    expect(readFileSync(join(tolerant.dir, 'play2'), 'utf8').trim().split('\n').sort()).toEqual(['h1', 'h3']);
    const strict = await runPlaybookText(yaml('max_fail_percentage: 20'));
    expect(existsSync(join(strict.dir, 'after'))).toBe(false);
  });

  it('strategy free lets each host run ahead', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  strategy: free
  tasks:
    - shell: "{{#if (eq inventory_hostname 'h1')}}sleep 0.3;{{/if}} echo {{ inventory_hostname }}-a >> $DIR/order"
    - shell: echo {{ inventory_hostname }}-b >> $DIR/order
`,
    );
    const lines = readFileSync(join(r.dir, 'order'), 'utf8').trim().split('\n');
    expect(lines.indexOf('h2-b')).toBeLessThan(lines.indexOf('h1-a'));
  });

  it('check mode: --check changes nothing, check_mode: false still acts, check_mode: true never acts', async () => {
    const yaml = `- hosts: all
  tasks:
    - copy: { content: "x\\n", dest: "$DIR/checked" }
    - copy: { content: "x\\n", dest: "$DIR/forced" }
      check_mode: false
    - copy: { content: "x\\n", dest: "$DIR/never" }
      check_mode: true
    - command: touch $DIR/cmd
`;
    const check = await runPlaybookText(yaml, { inventory: ONE, options: { check: true } });
    expect(existsSync(join(check.dir, 'checked'))).toBe(false);
    expect(existsSync(join(check.dir, 'forced'))).toBe(true);
    expect(existsSync(join(check.dir, 'never'))).toBe(false);
    expect(existsSync(join(check.dir, 'cmd'))).toBe(false);
    expect(counters(check.recap['h1'])).toBe('ok=3 changed=3 unreachable=0 failed=0 skipped=1 rescued=0 ignored=0');
    const real = await runPlaybookText(yaml, { inventory: ONE });
    expect(existsSync(join(real.dir, 'never'))).toBe(false);
  });

  it('no_log hides results; environment reaches the command', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  environment: { GREETING: play }
  tasks:
    - shell: echo "$GREETING $SECRET"
      environment: { SECRET: "s3cr3t" }
      register: env_out
      no_log: true
    - assert: { that: ["env_out.stdout == 'play s3cr3t'"] }
`,
      { inventory: ONE },
    );
    expect(r.exitCode).toBe(0);
    expect(JSON.stringify(r.events)).not.toContain('s3cr3t');
  });

  it('variable precedence: extra > set_fact > task > block > play > host > group', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  vars: { a: play, b: play, c: play, d: play, e: play }
  tasks:
    - block:
        - debug: { msg: "{{ a }} {{ b }} {{ c }} {{ d }} {{ e }} {{ f }} {{ g }}" }
          vars: { a: task, b: task, c: task }
          register: shown
      vars: { a: block, b: block, c: block, d: block }
    - set_fact: { a: fact, b: fact }
    - debug: { msg: "{{ a }} {{ b }}" }
      vars: { a: task, b: task }
      register: after
    - assert:
        that:
          - shown.msg == 'extra task task block play host group'
          - after.msg == 'extra fact'
`,
      { inventory: '[g]\nh1 ansible_connection=local f=host\n[g:vars]\nf=group\ng=group\n', options: { extraVars: { a: 'extra' } } },
    );
    expect(r.events.filter((e) => e.type === 'host_result' && e.status === 'failed')).toEqual([]);
    expect(r.exitCode).toBe(0);
  });

  it('meta end_host ends one host; set_fact survives into the next play', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  tasks:
    - set_fact: { mark: "{{ inventory_hostname }}-fact" }
    - meta: end_host
      when: inventory_hostname == 'h2'
    - shell: echo {{ inventory_hostname }} >> $DIR/p1
- hosts: all
  tasks:
    - shell: echo {{ mark }} >> $DIR/p2
`,
    );
    expect(readFileSync(join(r.dir, 'p1'), 'utf8').trim().split('\n').sort()).toEqual(['h1', 'h3']);
    expect(readFileSync(join(r.dir, 'p2'), 'utf8').trim().split('\n').sort()).toEqual(['h1-fact', 'h2-fact', 'h3-fact']);
  });

  it('an undefined variable fails the task with file, line and column', async () => {
    const r = await runPlaybookText(`- hosts: all\n  tasks:\n    - debug: { msg: "{{ nope }}" }\n`, { inventory: ONE });
    expect(r.exitCode).toBe(2);
    const failed = r.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(failed && failed.type === 'host_result' && failed.msg).toMatch(/play\.yml:3:\d+: undefined variable 'nope'/);
  });

  it('vars that refer to other vars render lazily, like Ansible', async () => {
    const r = await runPlaybookText(
      `- hosts: all
  vars:
    base: /srv
    app: "{{ base }}/app"
    conf: "{{ app }}/conf"
  tasks:
    - assert: { that: ["conf == '/srv/app/conf'"] }
`,
      { inventory: ONE },
    );
    expect(r.exitCode).toBe(0);
  });
  it('an include_tasks that includes itself fails the host with its position, instead of running forever', async () => {
    const r = await runPlaybookText('- hosts: h1\n  tasks:\n    - include_tasks: inc.yml\n', { files: { 'inc.yml': '- debug: msg=again\n- include_tasks: inc.yml\n' } });
    expect(r.exitCode).toBe(2);
    const failed = r.events.find((e) => e.type === 'host_result' && e.status === 'failed');
    expect(failed && failed.type === 'host_result' && failed.msg).toMatch(/inc\.yml:2:3: include_tasks nested 64 deep/);
  });
});
