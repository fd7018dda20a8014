import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HostCounters, RunEvent } from '../../src/model/events.js';
import { createReporter, JsonReporter, LiveReporter, PlainReporter } from '../../src/report/index.js';

const counters = (c: Partial<HostCounters>): HostCounters => ({
  ok: 0,
  changed: 0,
  unreachable: 0,
  failed: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
  ...c,
});

const UNREACHABLE = {
  changed: false,
  msg: 'Failed to connect to the host via ssh: Connection refused',
  unreachable: true,
};

/** Two plays: a loop, an unreachable host, an ignored failure, a diff, a skip, a handler, delegation. */
const EVENTS: RunEvent[] = [
  { type: 'playbook_start', file: 'playbooks/site.yml' },
  { type: 'play_start', name: 'Configure web', hosts: ['node1', 'node2', 'node3'] },
  { type: 'task_start', name: 'Install packages', hosts: ['node1', 'node2', 'node3'], handler: false },
  { type: 'host_result', task: 'Install packages', host: 'node1', status: 'changed', ignored: false, item: 'nginx', result: { changed: true, item: 'nginx' } },
  { type: 'host_result', task: 'Install packages', host: 'node1', status: 'ok', ignored: false, item: 'curl', result: { changed: false, item: 'curl' } },
  { type: 'host_result', task: 'Install packages', host: 'node2', status: 'ok', ignored: false, item: 'nginx', result: { changed: false, item: 'nginx' } },
  { type: 'host_result', task: 'Install packages', host: 'node2', status: 'ok', ignored: false, item: 'curl', result: { changed: false, item: 'curl' } },
  { type: 'host_result', task: 'Install packages', host: 'node3', status: 'unreachable', ignored: false, msg: UNREACHABLE.msg, result: UNREACHABLE },
  { type: 'task_start', name: 'Check config', hosts: ['node1', 'node2'], handler: false, path: 'playbooks/site.yml:12' },
  { type: 'host_result', task: 'Check config', host: 'node1', status: 'failed', ignored: true, msg: 'config invalid', result: { changed: false, msg: 'config invalid', rc: 1, _ansible_no_log: false } },
  { type: 'host_result', task: 'Check config', host: 'node2', status: 'ok', ignored: false, result: { changed: false, rc: 0 } },
  { type: 'warning', message: 'node3 is unreachable and was removed from the play' },
  { type: 'task_start', name: 'Copy config', hosts: ['node1', 'node2'], handler: false },
  {
    type: 'host_result',
    task: 'Copy config',
    host: 'node1',
    status: 'changed',
    ignored: false,
    result: { changed: true, dest: '/etc/app.conf' },
    diff: { before: 'a\nb\nc\n', after: 'a\nB\nc\n', path: '/etc/app.conf' },
  },
  { type: 'host_result', task: 'Copy config', host: 'node2', status: 'skipped', ignored: false, result: { changed: false, skip_reason: 'Conditional result was False', skipped: true } },
  { type: 'task_start', name: 'restart nginx', hosts: ['node1'], handler: true },
  { type: 'host_result', task: 'restart nginx', host: 'node1', status: 'changed', ignored: false, result: { changed: true } },
  { type: 'play_end', name: 'Configure web' },
  { type: 'play_start', name: 'Report', hosts: ['node1', 'node2'] },
  { type: 'task_start', name: 'Notify', hosts: ['node1', 'node2'], handler: false },
  { type: 'host_result', task: 'Notify', host: 'node1', status: 'changed', ignored: false, delegatedTo: 'localhost', result: { changed: true } },
  { type: 'host_result', task: 'Notify', host: 'node2', status: 'ok', ignored: false, delegatedTo: 'localhost', result: { changed: false } },
  { type: 'play_end', name: 'Report' },
  {
    type: 'recap',
    hosts: {
      node3: counters({ unreachable: 1 }),
      node2: counters({ ok: 4, skipped: 1 }),
      node1: counters({ ok: 5, changed: 4, ignored: 1 }),
    },
    exitCode: 4,
    durationMs: 1234,
  },
];

// Recap lines produced by Ansible's own format strings ('%-26s' host, 'name=%-4s' counters).
const RECAP = [
  'PLAY RECAP *********************************************************************',
  'node1                      : ok=5    changed=4    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1   ',
  'node2                      : ok=4    changed=0    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   ',
  'node3                      : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   ',
];

const PLAIN = [
  '',
  'PLAY [Configure web] ***********************************************************',
  '',
  'TASK [Install packages] ********************************************************',
  'changed: [node1] => (item=nginx)',
  'ok: [node1] => (item=curl)',
  'ok: [node2] => (item=nginx)',
  'ok: [node2] => (item=curl)',
  'fatal: [node3]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh: Connection refused", "unreachable": true}',
  '',
  'TASK [Check config] ************************************************************',
  'fatal: [node1]: FAILED! => {"changed": false, "msg": "config invalid", "rc": 1}',
  '...ignoring',
  'ok: [node2]',
  '',
  'TASK [Copy config] *************************************************************',
  '--- before: /etc/app.conf',
  '+++ after: /etc/app.conf',
  '@@ -1,3 +1,3 @@',
  ' a',
  '-b',
  '+B',
  ' c',
  '',
  'changed: [node1]',
  'skipping: [node2]',
  '',
  'RUNNING HANDLER [restart nginx] ************************************************',
  'changed: [node1]',
  '',
  'PLAY [Report] ******************************************************************',
  '',
  'TASK [Notify] ******************************************************************',
  'changed: [node1 -> localhost]',
  'ok: [node2 -> localhost]',
  '',
  ...RECAP,
  '',
  '',
].join('\n');

/** A writable that remembers everything written to it. */
function sink(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** What listr2 and log-update need from a terminal: isTTY, a size, write(). */
function fakeTTY(): NodeJS.WritableStream & { text: () => string } {
  const chunks: string[] = [];
  const tty = {
    isTTY: true,
    columns: 100,
    rows: 40,
    write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const cb = rest[rest.length - 1];
      if (typeof cb === 'function') (cb as () => void)();
      return true;
    },
    on() {
      return tty;
    },
    once() {
      return tty;
    },
    off() {
      return tty;
    },
    removeListener() {
      return tty;
    },
    text: () => chunks.join(''),
  };
  return tty as unknown as NodeJS.WritableStream & { text: () => string };
}

const stripAnsi = (s: string): string => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

async function run(reporter: ReturnType<typeof createReporter>): Promise<void> {
  for (const e of EVENTS) reporter.event(e);
  await reporter.close();
}

describe('plain reporter', () => {
  it("prints Ansible's default callback output exactly", async () => {
    const out = sink();
    const err = sink();
    await run(createReporter({ mode: 'plain', verbosity: 0, diff: true, out: out.stream, err: err.stream, env: {} }));
    expect(out.text()).toBe(PLAIN);
    expect(err.text()).toBe('[WARNING]: node3 is unreachable and was removed from the play\n');
  });

  it('gathers included events into one line per file and item, after the task\'s other lines', async () => {
    const out = sink();
    const r = createReporter({ mode: 'plain', verbosity: 0, diff: false, out: out.stream, err: sink().stream, env: {} });
    const events: RunEvent[] = [
      { type: 'task_start', name: 'include_tasks', hosts: ['h1', 'h2'], handler: false },
      { type: 'included', file: '/p/inc.yml', host: 'h2', item: 'a' },
      { type: 'included', file: '/p/inc.yml', host: 'h1', item: 'a' },
      { type: 'host_result', task: 'include_tasks', host: 'h3', status: 'skipped', ignored: false, result: { changed: false, skipped: true } },
      { type: 'included', file: '/p/inc.yml', host: 'h1', item: 'b' },
      { type: 'task_start', name: 'shell', hosts: ['h1', 'h2'], handler: false },
      { type: 'included', file: '/p/last.yml', host: 'h1' },
    ];
    for (const e of events) r.event(e);
    await r.close();
    const lines = out.text().split('\n').filter((l) => l && !l.startsWith('TASK'));
    expect(lines).toEqual(['skipping: [h3]', 'included: /p/inc.yml for h2, h1 => (item=a)', 'included: /p/inc.yml for h1 => (item=b)', 'included: /p/last.yml for h1']);
  });

  it('leaves diffs out without --diff', async () => {
    const out = sink();
    await run(createReporter({ mode: 'plain', verbosity: 0, diff: false, out: out.stream, err: sink().stream, env: {} }));
    expect(out.text()).not.toContain('--- before');
    expect(out.text()).toContain('TASK [Copy config] ****');
  });

  it('appends the result JSON to every host line with -v', async () => {
    const out = sink();
    await run(createReporter({ mode: 'plain', verbosity: 1, diff: false, out: out.stream, err: sink().stream, env: {} }));
    const text = out.text();
    expect(text).toContain('changed: [node1] => (item=nginx) => {"changed": true, "item": "nginx"}\n');
    expect(text).toContain('ok: [node2] => {"changed": false, "rc": 0}\n');
    // As Ansible (TaskResult.clean_copy): the line already says skipped or failed, the JSON does not.
    expect(text).toContain('skipping: [node2] => {"changed": false, "skip_reason": "Conditional result was False"}\n');
    expect(text).toContain('fatal: [node1]: FAILED! => {"changed": false, "msg": "config invalid", "rc": 1}\n');
  });

  it('shows the task path with -vv and indents JSON with -vvv', async () => {
    const out = sink();
    await run(createReporter({ mode: 'plain', verbosity: 3, diff: false, out: out.stream, err: sink().stream, env: {} }));
    const text = out.text();
    expect(text).toContain('\nPLAYBOOK: site.yml ****');
    expect(text).toMatch(/\nTASK \[Check config\] \*+\ntask path: playbooks\/site\.yml:12\n/);
    expect(text).toContain('ok: [node2] => {\n    "changed": false,\n    "rc": 0\n}\n');
  });

  it('colors on a terminal and never with NO_COLOR', async () => {
    const colored = fakeTTY();
    await run(createReporter({ mode: 'plain', verbosity: 0, diff: true, out: colored, err: sink().stream, env: {} }));
    expect(colored.text()).toContain('\u001b[0;33mchanged: [node1]\u001b[0m\n');
    expect(colored.text()).toContain('\u001b[0;31mfatal: [node1]: FAILED!');
    expect(colored.text()).toContain('\u001b[0;36mskipping: [node2]\u001b[0m\n');
    expect(colored.text()).toContain(
      '\u001b[0;33mnode1\u001b[0m                      : \u001b[0;32mok=5   \u001b[0m \u001b[0;33mchanged=4   \u001b[0m unreachable=0    failed=0    skipped=0    rescued=0    \u001b[1;35mignored=1   \u001b[0m\n',
    );

    const plain = fakeTTY();
    await run(createReporter({ mode: 'plain', verbosity: 0, diff: true, out: plain, err: sink().stream, env: { NO_COLOR: '1' } }));
    expect(plain.text()).not.toContain('\u001b[');
    // Banner width follows the terminal like Ansible: columns - 1.
    expect(plain.text()).toContain(`\nPLAY RECAP ${'*'.repeat(89)}\n`);
  });
});

describe('json reporter', () => {
  it('writes one JSON object per event and a final summary line', async () => {
    const out = sink();
    await run(createReporter({ mode: 'json', verbosity: 0, diff: true, out: out.stream, err: sink().stream, env: {} }));
    const lines = out.text().split('\n');
    expect(lines.pop()).toBe('');
    const objects = lines.map((l) => JSON.parse(l) as { type: string });
    expect(objects).toHaveLength(EVENTS.length);
    expect(objects.slice(0, -1)).toEqual(EVENTS.slice(0, -1));
    expect(objects.filter((o) => o.type === 'warning')).toHaveLength(1);
    expect(lines.at(-1)).toBe(
      JSON.stringify({
        type: 'summary',
        hosts: {
          node3: counters({ unreachable: 1 }),
          node2: counters({ ok: 4, skipped: 1 }),
          node1: counters({ ok: 5, changed: 4, ignored: 1 }),
        },
        exitCode: 4,
        durationMs: 1234,
      }),
    );
  });
});

describe('live reporter', () => {
  it('renders on a terminal, keeps failures and diffs, and ends with the recap', async () => {
    const out = fakeTTY();
    const err = fakeTTY();
    const reporter = createReporter({ mode: 'live', verbosity: 0, diff: true, out, err, env: {} });
    expect(reporter).toBeInstanceOf(LiveReporter);
    await run(reporter);
    const text = stripAnsi(out.text());
    expect(text).toContain('PLAY [Configure web] ****');
    expect(text).toContain('TASK [Install packages] 3/3 hosts (ok: 1, changed: 1, unreachable: 1)');
    expect(text).toContain('TASK [Check config] 2/2 hosts (ok: 1, ignored: 1)');
    expect(text).toContain('RUNNING HANDLER [restart nginx] 1/1 hosts (changed: 1)');
    // listr2 wraps output to the terminal width, so only the start of the line is checked.
    expect(text).toContain('fatal: [node1]: FAILED! => {"changed": false, "msg": "config invalid",');
    expect(text).toContain('...ignoring');
    expect(text).toContain('fatal: [node3]: UNREACHABLE!');
    expect(text).toContain('+B');
    expect(text).toContain('[WARNING]: node3 is unreachable');
    // The recap is written after the last Listr run, untouched.
    const recap = [`PLAY RECAP ${'*'.repeat(89)}`, ...RECAP.slice(1)].join('\n');
    expect(text.endsWith(`\n${recap}\n\n`)).toBe(true);
  });

  it('falls back to plain output when the stream is not a terminal', async () => {
    const out = sink();
    const reporter = createReporter({ mode: 'live', verbosity: 0, diff: true, out: out.stream, err: sink().stream, env: {} });
    expect(reporter).toBeInstanceOf(PlainReporter);
    await run(reporter);
    expect(out.text()).toBe(PLAIN);
  });
});

describe('createReporter', () => {
  it('picks live on a terminal, plain in CI or on a pipe', () => {
    const tty = fakeTTY();
    expect(createReporter({ mode: 'auto', verbosity: 0, diff: false, out: tty, env: {} })).toBeInstanceOf(LiveReporter);
    expect(createReporter({ mode: 'auto', verbosity: 0, diff: false, out: tty, env: { CI: 'true' } })).toBeInstanceOf(PlainReporter);
    expect(createReporter({ mode: 'auto', verbosity: 0, diff: false, out: sink().stream, env: {} })).toBeInstanceOf(PlainReporter);
    expect(createReporter({ mode: 'auto', verbosity: 0, diff: false, out: tty, isTTY: false, env: {} })).toBeInstanceOf(PlainReporter);
    expect(createReporter({ mode: 'json', verbosity: 0, diff: false, out: tty, env: {} })).toBeInstanceOf(JsonReporter);
  });
});
