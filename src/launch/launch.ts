import { UserError } from '../model/source.js';
import type { ServiceManifest } from './catalog.js';
import { place, type NodeView } from './placement.js';

/** What launch and remove act through: discovery, the engine, node metadata, output. */
export interface ClusterOps {
  /** Fresh node data (load, services) for every inventory host. */
  discover(): Promise<NodeView[]>;
  /**
   * Runs a service playbook on `hosts`, with `nodes` (the cluster as it will be) giving the
   * dynamic groups (service_<name>...). Returns the hosts on which it succeeded.
   */
  runPlaybook(file: string, hosts: string[], nodes: NodeView[]): Promise<{ ok: string[]; failed: string[] }>;
  /** Adds or removes a service in a node's metadata. */
  recordService(host: string, service: string, present: boolean): Promise<void>;
  say(line: string): void;
}

export interface PlacementChange {
  service: string;
  changed: string[];
  failed: string[];
  /** Where the service runs afterwards. */
  runsOn: string[];
  refreshed: Record<string, string[]>;
  /** Dependents whose refresh failed, and where: the cluster is not as it should be. */
  refreshFailed: Record<string, string[]>;
}

/**
 * `launch N SERVICE`: the N best fit live nodes get the service's install playbook, in
 * parallel; it is recorded only where the install succeeded; the services that follow it
 * (refresh) are re-applied. Too few fit nodes: fail before changing anything, saying why.
 */
export async function launch(ops: ClusterOps, catalog: Map<string, ServiceManifest>, service: ServiceManifest, count: number | 'all', strategy?: string): Promise<PlacementChange> {
  const nodes = await ops.discover();
  const plan = place(nodes, service, count, strategy);
  if (count !== 'all' && plan.chosen.length < count) {
    const why = plan.rejected.map((r) => `  ${r.node}: ${r.reason}`).join('\n');
    throw new UserError(`cannot launch ${count} ${service.name}: only ${plan.chosen.length} node(s) qualify; nothing was changed.\n${why || '  (no nodes in the inventory)'}`);
  }
  if (plan.chosen.length === 0) {
    ops.say(`${service.name}: no node to add (${count === 'all' ? 'every fit node already runs it' : 'none asked'})`);
    return { service: service.name, changed: [], failed: [], runsOn: runningOn(nodes, service.name), refreshed: {}, refreshFailed: {} };
  }
  const chosen = plan.chosen.map((n) => n.name);
  ops.say(`${service.name}: installing on ${chosen.map((n) => `${n} (load ${nodes.find((x) => x.name === n)!.score.toFixed(2)})`).join(', ')}`);
  const after = withService(nodes, chosen, service.name, true);
  const result = await ops.runPlaybook(service.install, chosen, after);
  for (const host of result.ok) await ops.recordService(host, service.name, true);
  const final = withService(nodes, result.ok, service.name, true);
  if (result.failed.length) ops.say(`${service.name}: install FAILED on ${result.failed.join(', ')}; not recorded there`);
  const refresh = await refreshDependents(ops, catalog, service, final);
  return { service: service.name, changed: result.ok, failed: result.failed, runsOn: runningOn(final, service.name), ...refresh };
}

/** `remove N SERVICE` (most loaded first) or `remove SERVICE --nodes a,b`. */
export async function remove(ops: ClusterOps, catalog: Map<string, ServiceManifest>, service: ServiceManifest, count: number | 'all', only?: string[]): Promise<PlacementChange> {
  if (!service.uninstall) throw new UserError(`service '${service.name}' has no uninstall playbook`);
  const nodes = await ops.discover();
  const running = nodes.filter((n) => n.services.includes(service.name));
  let targets: NodeView[];
  if (only) {
    const missing = only.filter((name) => !running.some((n) => n.name === name));
    if (missing.length) throw new UserError(`${service.name} does not run on ${missing.join(', ')} (it runs on ${running.map((n) => n.name).join(', ') || 'no node'}); nothing was changed`);
    targets = running.filter((n) => only.includes(n.name));
  } else {
    const reachable = running.filter((n) => n.state !== 'down').sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
    if (count !== 'all' && reachable.length < count) {
      throw new UserError(`cannot remove ${count} ${service.name}: it runs on ${reachable.length} reachable node(s) (${reachable.map((n) => n.name).join(', ') || 'none'}); nothing was changed`);
    }
    targets = count === 'all' ? reachable : reachable.slice(0, count);
  }
  const names = targets.map((n) => n.name);
  ops.say(`${service.name}: removing from ${names.join(', ') || 'no node'}`);
  const result = names.length ? await ops.runPlaybook(service.uninstall, names, withService(nodes, names, service.name, false)) : { ok: [], failed: [] };
  for (const host of result.ok) await ops.recordService(host, service.name, false);
  if (result.failed.length) ops.say(`${service.name}: uninstall FAILED on ${result.failed.join(', ')}; still recorded there`);
  const final = withService(nodes, result.ok, service.name, false);
  const refresh = await refreshDependents(ops, catalog, service, final);
  return { service: service.name, changed: result.ok, failed: result.failed, runsOn: runningOn(final, service.name), ...refresh };
}

/** Re-applies the services listed in `refresh` where they run, with the new cluster state. */
async function refreshDependents(
  ops: ClusterOps,
  catalog: Map<string, ServiceManifest>,
  service: ServiceManifest,
  nodes: NodeView[],
): Promise<Pick<PlacementChange, 'refreshed' | 'refreshFailed'>> {
  const refreshed: Record<string, string[]> = {};
  const refreshFailed: Record<string, string[]> = {};
  for (const name of service.refresh) {
    const dep = catalog.get(name);
    const hosts = runningOn(nodes, name).filter((h) => nodes.find((n) => n.name === h)?.state !== 'down');
    if (!dep || hosts.length === 0) continue;
    ops.say(`${name}: refreshing on ${hosts.join(', ')}`);
    const r = await ops.runPlaybook(dep.install, hosts, nodes);
    if (r.failed.length) {
      ops.say(`${name}: refresh FAILED on ${r.failed.join(', ')}`);
      refreshFailed[name] = r.failed;
    }
    refreshed[name] = r.ok;
  }
  return { refreshed, refreshFailed };
}

function withService(nodes: NodeView[], hosts: string[], service: string, present: boolean): NodeView[] {
  return nodes.map((n) => {
    if (!hosts.includes(n.name)) return n;
    const services = n.services.filter((s) => s !== service);
    return { ...n, services: present ? [...services, service] : services };
  });
}

export function runningOn(nodes: NodeView[], service: string): string[] {
  return nodes.filter((n) => n.services.includes(service)).map((n) => n.name).sort();
}
