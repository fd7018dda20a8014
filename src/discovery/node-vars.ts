// What discovery tells templates about a node: host variables, as a dynamic inventory gives them.
import type { NodeStatus } from './types.js';

/**
 * `oasis_node`: the node's state and figures as discovery saw them (what `nodes --json`
 * prints), for templates such as `{{ hostvars[h].oasis_node.score }}`. `oasis_metadata`: the
 * node's metadata file as read, unless the inventory gives one (mock hosts).
 */
export function nodeVars(n: NodeStatus, existing: Record<string, unknown>): Record<string, unknown> {
  const { metadata, origin: _origin, ...status } = n;
  const out: Record<string, unknown> = { oasis_node: status };
  if (metadata !== undefined && existing['oasis_metadata'] === undefined) out['oasis_metadata'] = metadata;
  return out;
}
