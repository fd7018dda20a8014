// `oasis-play agent`: keeps ~/meta-data.json up to date on a node (see docs/nodes.md).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { UserError } from '../model/source.js';
import { runAgent } from '../agent/agent.js';
import { defaultLabelsFile } from '../agent/labels.js';
import { defaultMetadataFile } from '../agent/store.js';
import { reportError } from './errors.js';

export interface AgentCliOptions {
  interval: string;
  once?: boolean;
  file?: string;
  labels?: string;
}

const expandHome = (p: string) => resolve(p.replace(/^~(?=$|\/)/, homedir()));

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const MAX_INTERVAL_SECONDS = 86_400;

export async function agentCommand(o: AgentCliOptions): Promise<number> {
  try {
    const interval = Number(o.interval);
    // Node's timers hold at most 2^31-1 ms (~24.8 days); a longer one would fire at once, in a loop.
    if (!Number.isFinite(interval) || interval <= 0 || interval > MAX_INTERVAL_SECONDS) {
      throw new UserError(`--interval must be a number of seconds > 0 and ≤ ${MAX_INTERVAL_SECONDS} (one day), got '${o.interval}'`, undefined, 5);
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      await runAgent({
        file: o.file ? expandHome(o.file) : defaultMetadataFile(),
        labelsFile: o.labels ? expandHome(o.labels) : defaultLabelsFile(),
        labelsRequired: o.labels !== undefined,
        intervalSeconds: interval,
        once: !!o.once,
        version: version(),
        signal: stop.signal,
      });
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
    return 0;
  } catch (e) {
    return reportError(e instanceof UserError ? e : new UserError(`agent: ${(e as Error).message}`), 0);
  }
}
