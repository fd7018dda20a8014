import { describe, expect, it } from 'vitest';
import { emptyCounters, type RunEvent } from '../../src/model/events.js';
import { banner } from '../../src/report/ansi.js';
import { dumpResult, formatDiff, formatHostResult, pyJson } from '../../src/report/format-result.js';
import { LiveReporter } from '../../src/report/live.js';
import { formatRecap, recapLine } from '../../src/report/recap.js';

type HostResult = Extract<RunEvent, { type: 'host_result' }>;
const result = (over: Partial<HostResult>): HostResult => ({
  type: 'host_result',
  task: 't',
  host: 'node1',
  status: 'ok',
  ignored: false,
  result: { changed: false },
  ...over,
});

describe('recap', () => {
  it('matches the line Ansible prints, trailing spaces included', () => {
    const t = { ...emptyCounters(), ok: 3, changed: 1, skipped: 1 };
    expect(recapLine('node1', t)).toBe(
      'node1                      : ok=3    changed=1    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   ',
    );
  });

  it('lets long names and big counts push the columns, as %-26s and %-4s do', () => {
    const t = { ...emptyCounters(), ok: 12345, changed: 1, skipped: 1 };
    expect(recapLine('a-very-long-hostname.example.com', t)).toBe(
      'a-very-long-hostname.example.com : ok=12345 changed=1    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   ',
    );
  });

  it('colors the host by its worst outcome and only non-zero counters', () => {
    const t = { ...emptyCounters(), ok: 1, failed: 2 };
    expect(recapLine('web', t, true)).toBe(
      '\u001b[0;31mweb\u001b[0m                        : \u001b[0;32mok=1   \u001b[0m changed=0    unreachable=0    \u001b[0;31mfailed=2   \u001b[0m skipped=0    rescued=0    ignored=0   ',
    );
  });

  it('sorts hosts and frames them with the banner and a blank line', () => {
    const text = formatRecap({ b: emptyCounters(), a: emptyCounters() });
    expect(text.split('\n').map((l) => l.slice(0, 12))).toEqual([
      '',
      'PLAY RECAP *',
      'a           ',
      'b           ',
      '',
      '',
    ]);
  });

  it('pads banners to 80 columns like Ansible off a terminal', () => {
    expect(banner('PLAY RECAP')).toBe('PLAY RECAP *********************************************************************');
    expect(banner('x'.repeat(100))).toBe(`${'x'.repeat(100)} ***`);
  });
});

describe('result formatting', () => {
  it("dumps JSON like Python's json.dumps(sort_keys=True)", () => {
    expect(pyJson({ b: [1, 'x', null, true], a: { d: {}, c: [] }, u: undefined })).toBe(
      '{"a": {"c": [], "d": {}}, "b": [1, "x", null, true]}',
    );
    expect(pyJson({ a: [1, { b: 2 }] }, 4)).toBe('{\n    "a": [\n        1,\n        {\n            "b": 2\n        }\n    ]\n}');
    expect(pyJson('é\n"')).toBe('"é\\n\\""');
  });

  it('hides internal keys, invocation, diff and exception below -vvv', () => {
    const r = { changed: true, _ansible_no_log: false, invocation: { module_args: {} }, diff: {}, exception: 'tb', rc: 0 };
    expect(dumpResult(r, 0)).toBe('{"changed": true, "rc": 0}');
    expect(dumpResult(r, 3)).toBe('{\n    "changed": true,\n    "diff": {},\n    "invocation": {\n        "module_args": {}\n    },\n    "rc": 0\n}');
  });

  it("uses Ansible's words for each outcome", () => {
    expect(formatHostResult(result({ status: 'failed', item: 'a', result: { msg: 'no' } }), 0, false)).toEqual([
      'failed: [node1] (item=a) => {"msg": "no"}',
    ]);
    expect(formatHostResult(result({ status: 'failed', ignored: true, msg: 'boom', result: { rc: 2 } }), 0, false)).toEqual([
      'fatal: [node1]: FAILED! => {"msg": "boom", "rc": 2}',
      '...ignoring',
    ]);
    expect(formatHostResult(result({ status: 'skipped', item: 'a', delegatedTo: 'db' }), 0, false)).toEqual([
      'skipping: [node1] => (item=a) ',
    ]);
    expect(formatHostResult(result({ status: 'changed', delegatedTo: 'localhost' }), 1, false)).toEqual([
      'changed: [node1 -> localhost] => {"changed": false}',
    ]);
    const censored = { censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result" };
    expect(formatHostResult(result({ status: 'failed', result: censored }), 0, false)).toEqual([
      `fatal: [node1]: FAILED! => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result"}`,
    ]);
  });

  it('prints diffs with headers, a trailing blank line, and colors on demand', () => {
    expect(formatDiff({ before: 'a\n', after: 'b\n' }, false)).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-a\n+b\n\n');
    expect(formatDiff({ before: 'a\n', after: 'a\n', path: '/x' }, false)).toBe('');
    expect(formatDiff({ before: 'a\n', after: 'b\n', path: '/x' }, true)).toBe(
      '\u001b[0;31m--- before: /x\u001b[0m\n\u001b[0;32m+++ after: /x\u001b[0m\n\u001b[0;36m@@ -1 +1 @@\u001b[0m\n\u001b[0;31m-a\u001b[0m\n\u001b[0;32m+b\u001b[0m\n\n',
    );
  });
});

describe('live reporter details', () => {
  function tty(): NodeJS.WritableStream & { text: () => string; write: (c: string) => boolean } {
    const chunks: string[] = [];
    const t = {
      isTTY: true,
      columns: 100,
      rows: 30,
      write(c: string | Uint8Array): boolean {
        chunks.push(String(c));
        return true;
      },
      on: () => t,
      text: () => chunks.join('').replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''),
    };
    return t as unknown as NodeJS.WritableStream & { text: () => string; write: (c: string) => boolean };
  }

  it('marks a failed task, prints the failure in full after it, and releases the terminal', async () => {
    const out = tty();
    const err = tty();
    const ownWrite = out.write;
    const r = new LiveReporter({ out, err, verbosity: 0, diff: false, color: false });
    r.event({ type: 'warning', message: 'before any task' });
    r.event({ type: 'play_start', name: 'p', hosts: ['node1'] });
    r.event({ type: 'task_start', name: 'break', hosts: ['node1'], handler: false });
    const long = 'x'.repeat(300);
    r.event(result({ task: 'break', status: 'failed', result: { msg: long } }));
    r.event({ type: 'recap', hosts: { node1: { ...emptyCounters(), failed: 1 } }, exitCode: 2, durationMs: 1 });
    await r.close();
    const text = out.text();
    expect(text).toContain('✖ TASK [break] 1/1 hosts (failed: 1)');
    expect(text).toContain(`\nfatal: [node1]: FAILED! => {"msg": "${long}"}\n`);
    expect(text).toContain('node1                      : ok=0    changed=0    unreachable=0    failed=1 ');
    expect(err.text()).toBe('[WARNING]: before any task\n');
    expect(out.write).toBe(ownWrite);
  });
});
