import type { HostState } from './context.js';
import type { Outcome } from './outcome.js';

/**
 * Ansible's recap counting rules (checked against ansible-core 2.14): a changed task is also
 * ok; an ignored failure is ok + ignored (+ changed); a failure that a rescue section catches
 * is rescued, not failed; a false `when` is skipped.
 */
export function count(host: HostState, o: Outcome, rescuable: boolean): void {
  const c = host.counters;
  if (o.silent) return;
  const changed = o.result['changed'] === true;
  switch (o.status) {
    case 'unreachable':
      c.unreachable++;
      return;
    case 'skipped':
      c.skipped++;
      return;
    case 'failed':
      if (o.ignored) {
        c.ok++;
        c.ignored++;
        if (changed) c.changed++;
      } else if (rescuable) c.rescued++;
      else c.failed++;
      return;
    default:
      c.ok++;
      if (changed) c.changed++;
  }
}
