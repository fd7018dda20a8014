import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionPool, type ConnectionVars } from '../../src/connection/pool.js';
import type { Connection } from '../../src/connection/types.js';
import { runPlaybookText } from '../helpers/engine.js';

const FIVE = '[g]\nh1\nh2\nh3\nh4\nh5\n[g:vars]\nansible_connection=local\n';

/** Real local connections, with each host's first connect held for a moment, counting how many are in flight. */
class SlowConnectPool extends ConnectionPool {
  inFlight = 0;
  maxInFlight = 0;
  private readonly seen = new Set<string>();

  override async get(v: ConnectionVars): Promise<Connection> {
    if (this.seen.has(v.name)) return super.get(v);
    this.seen.add(v.name);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    await new Promise((r) => setTimeout(r, 150));
    this.inFlight--;
    return super.get(v);
  }
}

/** Start and end times of each host's task, from a file the tasks append to. */
function intervals(dir: string): [number, number][] {
  const byHost = new Map<string, number[]>();
  for (const line of readFileSync(join(dir, 'times'), 'utf8').trim().split('\n')) {
    const [host, t] = line.split(' ');
    byHost.set(host!, [...(byHost.get(host!) ?? []), Number(t)]);
  }
  return [...byHost.values()].map(([a, b]) => [a!, b!]);
}

const maxOverlap = (spans: [number, number][]) => Math.max(...spans.map(([s]) => spans.filter(([a, b]) => a <= s && s < b).length));

describe('-f/--forks', () => {
  const play = `- hosts: g
  tasks:
    - shell: echo "{{ inventory_hostname }} $(date +%s%N)" >> $DIR/times; sleep 0.3; echo "{{ inventory_hostname }} $(date +%s%N)" >> $DIR/times
`;

  it('bounds how many hosts run a task at once', async () => {
    const two = await runPlaybookText(play, { inventory: FIVE, options: { forks: 2 } });
    expect(two.exitCode).toBe(0);
    expect(maxOverlap(intervals(two.dir))).toBe(2);
    const all = await runPlaybookText(play, { inventory: FIVE, options: { forks: 25 } });
    expect(maxOverlap(intervals(all.dir))).toBe(5);
  });

  it('bounds connection setup too, not only the commands', async () => {
    const pool = new SlowConnectPool({ hostKeyChecking: 'yes', connectTimeoutMs: 5000 });
    const r = await runPlaybookText(play, { inventory: FIVE, options: { forks: 2 }, connections: pool });
    expect(r.exitCode).toBe(0);
    expect(pool.maxInFlight).toBe(2);
  });
});
