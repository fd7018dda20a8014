/**
 * The output of `run --plan`: per host, the tasks that would run with their rendered arguments,
 * the files they would write shown as a diff against nothing, what was skipped, and which
 * conditions were assumed (they read a remote result that a plan cannot know). Printed at the
 * end, host by host, with one summary line per host.
 */
import { stringify } from 'yaml';
import type { Reporter, RunEvent } from '../model/events.js';
import { unifiedDiff } from '../report/unified-diff.js';
import type { Plan } from './planned.js';

type HostResult = Extract<RunEvent, { type: 'host_result' }>;

interface Entry {
  play: string;
  handler: boolean;
  e: HostResult;
}

export class PlanReporter implements Reporter {
  private readonly hosts = new Map<string, Entry[]>();
  private play = '';
  private handler = false;

  constructor(private readonly out: NodeJS.WritableStream, private readonly err: NodeJS.WritableStream = process.stderr) {}

  event(e: RunEvent): void {
    switch (e.type) {
      case 'play_start':
        this.play = e.name;
        for (const h of e.hosts) if (!this.hosts.has(h)) this.hosts.set(h, []);
        return;
      case 'task_start':
        this.handler = e.handler;
        return;
      case 'host_result':
        if (!e.loopSummary || e.status === 'failed') this.entries(e.host).push({ play: this.play, handler: this.handler, e });
        return;
      case 'warning':
        this.err.write(`[WARNING]: ${e.message}\n`);
        return;
      case 'recap':
        this.out.write(this.render());
        return;
      default:
        return;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private entries(host: string): Entry[] {
    let list = this.hosts.get(host);
    if (!list) this.hosts.set(host, (list = []));
    return list;
  }

  private render(): string {
    let text = 'PLAN: nothing was connected to; remote tasks are shown, not run, and their results are assumed.\n';
    const summary: string[] = [];
    for (const [host, entries] of this.hosts) {
      text += `\nHOST [${host}] ${'*'.repeat(Math.max(3, 70 - host.length))}\n`;
      let play: string | undefined;
      const count = { tasks: 0, templates: 0, skipped: 0, failed: 0, assumed: 0 };
      let last = '';
      for (const { play: p, handler, e } of entries) {
        if (p !== play) text += `PLAY [${(play = p)}]\n`;
        const key = `${p}\0${e.task}\0${handler}`;
        const sameTask = e.item !== undefined && key === last;
        last = key;
        const assumed = Array.isArray(e.result['_assumed']) ? (e.result['_assumed'] as string[]) : [];
        if (assumed.length) count.assumed++;
        if (e.status === 'skipped') {
          if (!sameTask) count.skipped++;
        } else if (e.status === 'failed') count.failed++;
        else if (e.task !== 'Gathering Facts' && !sameTask) count.tasks++;
        const plan = e.result['_plan'] as Plan | undefined;
        count.templates += plan?.module === 'template' ? plan.files.length : 0;
        text += entry(e, handler, assumed, plan);
      }
      const extra = (['skipped', 'failed', 'assumed'] as const).filter((k) => count[k] > 0).map((k) => `, ${count[k]} ${k}`).join('');
      const n = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
      summary.push(`${host}: ${n(count.tasks, 'task')}, ${n(count.templates, 'template')}${extra}`);
    }
    return `${text}\nSUMMARY ${'*'.repeat(71)}\n${summary.join('\n')}\n`;
  }
}

const indent = (s: string, n = 6) => s.replace(/\n$/, '').split('\n').map((l) => ' '.repeat(n) + l).join('\n') + '\n';

function entry(e: HostResult, handler: boolean, assumed: string[], plan: Plan | undefined): string {
  const item = e.item !== undefined ? ` (item=${e.item})` : '';
  const what = e.module ? ` ${e.module}` : '';
  const head = e.task === 'Gathering Facts' ? '  facts: assumed (from the inventory where it says, else defaults)\n' : '';
  if (head) return head;
  const conds = assumed.map((c) => `      ${c} (assumed)\n`).join('');
  if (e.status === 'skipped') return `  skip ${handler ? 'HANDLER' : 'TASK'} [${e.task}]${item}${reason(e)}\n${conds}`;
  if (e.status === 'failed') return `  FAILED ${handler ? 'HANDLER' : 'TASK'} [${e.task}]${what}${item}: ${e.msg ?? 'failed'}\n${conds}`;
  const hidden = e.result['censored'] !== undefined || plan?.hidden === true;
  let text = `  ${handler ? 'HANDLER' : 'TASK'} [${e.task}]${what}${item}${plan || hidden ? '' : ' (evaluated)'}\n${conds}`;
  if (hidden) return `${text}      (arguments hidden: no_log)\n`;
  if (plan) {
    if (plan.args && Object.keys(plan.args).length) text += indent(stringify(plan.args, { lineWidth: 0 }));
    for (const f of plan.files) {
      const src = f.from ? ` from ${f.from}` : '';
      if (f.content === undefined) text += `      ${f.dest}: binary content, ${f.bytes} bytes${src}\n`;
      else text += indent(unifiedDiff('', f.content, { fromFile: '/dev/null', toFile: `${f.dest}${src}` }) || `--- /dev/null\n+++ ${f.dest}${src} (empty)\n`);
    }
    return text;
  }
  const shown = localResult(e);
  return shown === undefined ? text : text + indent(stringify(shown, { lineWidth: 0 }));
}

/** What a local module (debug, set_fact, include_vars, assert) came to. */
function localResult(e: HostResult): unknown {
  const r = e.result;
  if (r['ansible_facts'] !== undefined) return r['ansible_facts'];
  if (r['msg'] !== undefined) return { msg: r['msg'] };
  const vars = Object.keys(r).filter((k) => !['changed', '_ansible_verbose_always', '_assumed', 'failed'].includes(k));
  return vars.length ? Object.fromEntries(vars.map((k) => [k, r[k]])) : undefined;
}

function reason(e: HostResult): string {
  const r = e.result['skip_reason'] ?? e.result['skipped_reason'];
  return typeof r === 'string' && r !== 'Conditional result was False' ? ` (${r})` : ' (condition false)';
}
