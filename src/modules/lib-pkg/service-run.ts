import type { ModuleContext, ModuleResult } from '../types.js';
import { findRecord, isComplete, newMarker, parseFrames, type Frame } from './frame.js';
import { serviceScript, type ServiceRequest, type ServiceState } from './service-script.js';

export interface ServiceArgs {
  name: string;
  state?: ServiceState;
  enabled?: boolean;
}

const fail = (msg: string, extra: Record<string, unknown> = {}): ModuleResult => ({ changed: false, failed: true, msg, ...extra });

/** systemctl show's "Key=value" lines as an object (Ansible returns them as `status`). */
function showProps(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** The captured commands of the run, in order, each with the stderr record that follows it. */
function captures(frames: Frame[]): { tag: string; rc: number; stdout: string; stderr: string }[] {
  return frames.flatMap((f, i) =>
    f.fields[0] === 'cap' ? [{ tag: f.fields[1] ?? '', rc: Number(f.fields[2]), stdout: f.body, stderr: frames[i + 1]?.fields[0] === 'err' ? frames[i + 1]!.body : '' }] : [],
  );
}

/** ansible.builtin.service in one round trip: inspect, decide and act happen in the same script. */
export async function runService(args: ServiceArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const name = args.name ?? '';
  if (!name || name.startsWith('-') || /[/\s]/.test(name)) return fail(`invalid service name: '${name}'`);
  if (args.state === undefined && args.enabled === undefined) return fail('one of the following is required: state, enabled');

  const req: ServiceRequest = { name, check: ctx.check, ...(args.state ? { state: args.state } : {}), ...(args.enabled !== undefined ? { enabled: args.enabled } : {}) };
  const marker = newMarker();
  const res = await ctx.exec(serviceScript(req, marker));
  const frames = parseFrames(res.stdout, marker);
  if (!isComplete(frames)) return fail(`could not manage service ${name}: ${res.stderr.trim() || `exit code ${res.code}`}`, { rc: res.code, stdout: res.stdout, stderr: res.stderr });

  const init = findRecord(frames, 'init')?.fields[1] ?? 'unknown';
  const show = findRecord(frames, 'showfailed');
  if (show) return fail(`failure ${show.fields[1]} running systemctl show for '${name}': ${show.body.trim()}`);
  if (findRecord(frames, 'missing')) return fail(`Could not find the requested service ${name}: host`);
  if (findRecord(frames, 'unknown')) return fail('failed determining service state, possible typo of service name?');

  const running = findRecord(frames, 'running')?.fields[1] === '0';
  const wasEnabled = findRecord(frames, 'enabled')?.fields[1];
  const status: Record<string, unknown> = { init, running, ...(wasEnabled ? { enabled: wasEnabled === 'yes' } : {}) };
  if (init === 'systemd') Object.assign(status, showProps(findRecord(frames, 'status')?.body ?? ''));
  else {
    const st = captures(frames).find((c) => c.tag === 'status');
    if (st) Object.assign(status, { rc: st.rc, stdout: st.stdout });
  }
  const result: ModuleResult = {
    changed: false,
    name,
    // What was asked for, not re-read: a service just bounced may not report accurately yet (Ansible does the same).
    ...(args.state ? { state: args.state === 'stopped' ? 'stopped' : 'started' } : {}),
    ...(args.enabled !== undefined ? { enabled: args.enabled } : {}),
    status,
  };

  if (findRecord(frames, 'noenabler')) return { ...result, failed: true, msg: `cannot detect command to enable service ${name}, typo or init system potentially unknown` };
  const bad = captures(frames).find((c) => c.tag !== 'status' && c.rc !== 0);
  if (bad) {
    const what = bad.tag === 'act' ? 'control' : 'enable';
    // An enablement that succeeded before a failed start is still a change made.
    const done = captures(frames).some((c) => c.tag !== 'status' && c.rc === 0);
    return { ...result, changed: done, failed: true, msg: bad.stderr.trim() || bad.stdout.trim() || `${what} of service ${name} failed with rc ${bad.rc}`, rc: bad.rc, stdout: bad.stdout, stderr: bad.stderr };
  }
  const changes = frames.filter((f) => f.fields[0] === 'change').map((f) => f.fields[1] ?? '');
  result.changed = changes.length > 0;
  if (ctx.check && result.changed) result.msg = `would ${changes.join(' and ')} ${name}`;
  return result;
}
