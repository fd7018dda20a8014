// The agent loop: sample, read labels, write the metadata (store.ts), sleep, until stopped.
import { buildMetadata, collectSample } from './collect.js';
import { readLabels } from './labels.js';
import { removeOrphanTemps, writeMetadata } from './store.js';

export interface AgentOptions {
  file: string;
  labelsFile: string;
  /** The labels file was named on the command line: a missing one is an error. */
  labelsRequired: boolean;
  intervalSeconds: number;
  once: boolean;
  version: string;
  signal?: AbortSignal;
  /** Problems of one cycle when looping (the loop goes on); default stderr. */
  log?: (message: string) => void;
}

/** Runs until `signal` aborts (or once); returns the number of writes. `--once` throws its error. */
export async function runAgent(o: AgentOptions): Promise<number> {
  const log = o.log ?? ((m: string) => process.stderr.write(`oasis-play agent: ${m}\n`));
  await removeOrphanTemps(o.file);
  let labels: Record<string, string> = {};
  let writes = 0;
  while (!o.signal?.aborted) {
    const started = Date.now();
    try {
      try {
        labels = await readLabels(o.labelsFile, o.labelsRequired);
      } catch (e) {
        if (o.once) throw e;
        log(`${(e as Error).message} (keeping the previous labels)`);
      }
      const sample = await collectSample();
      const who = { version: o.version, ...(!o.once && { intervalSeconds: o.intervalSeconds }) };
      await writeMetadata(o.file, (services) => buildMetadata(sample, labels, services, who));
      writes++;
    } catch (e) {
      if (o.once) throw e;
      log((e as Error).message);
    }
    if (o.once) break;
    await sleep(Math.max(0, o.intervalSeconds * 1000 - (Date.now() - started)), o.signal);
  }
  return writes;
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no timer behind either way. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
