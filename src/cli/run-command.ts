import { UserError } from '../model/source.js';
import { EXIT } from '../engine/exit-codes.js';
import { reportError } from './errors.js';
import { sshOptions, type SshCliOptions } from './ssh-options.js';

export interface RunCliOptions extends SshCliOptions {
  inventory: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: string[];
  check?: boolean;
  diff?: boolean;
  forks: string;
  listHosts?: boolean;
  listTasks?: boolean;
  syntaxCheck?: boolean;
  startAtTask?: string;
  verbose: number;
  json?: boolean;
  output: 'auto' | 'live' | 'plain';
  plan?: boolean;
  discover?: boolean;
}

/** `oasis-play run`: returns the exit code; prints errors itself. */
export async function runCommand(files: string[], o: RunCliOptions): Promise<number> {
  try {
    const forks = Number(o.forks);
    if (!Number.isInteger(forks) || forks < 1) throw new UserError(`--forks must be a whole number ≥ 1, got '${o.forks}'`, undefined, EXIT.badOptions);
    const ssh = sshOptions(o);
    // The keeper (if none runs yet) starts before the engine loads, which is most of a run's
    // start-up: on another core, it is ready about when the run first connects.
    if (!(o.plan || o.syntaxCheck || o.listHosts || o.listTasks)) ssh.keeper?.prepare();
    const { runPlaybookFiles } = await import('./run-playbook-files.js');
    return await runPlaybookFiles(files, o, forks, ssh);
  } catch (e) {
    return reportError(e, o.verbose);
  }
}
