import { loadPlaybook } from '../config/playbook-loader.js';
import { ModuleRegistry } from '../modules/registry.js';
import { ConnectionPool, type PoolOptions } from '../connection/pool.js';
import { loadInventories } from '../inventory/load.js';
import { createReporter } from '../report/index.js';
import { UserError } from '../model/source.js';
import type { Playbook } from '../model/playbook.js';
import type { RunOptions } from '../engine/context.js';
import { groupMembers } from '../engine/host-vars.js';
import { selectHosts } from '../inventory/patterns.js';
import { checkKnownHostsFile } from '../connection/known-hosts-file.js';
import { runPlaybooks } from '../engine/playbook-runner.js';
import { EXIT } from '../engine/exit-codes.js';
import { newRunContext } from '../engine/session.js';
import { dynamicGroupValues, withDynamicGroupsFor } from '../discovery/on-demand.js';
import { renderPlayHeader } from '../engine/play-header.js';
import { TemplateEngine } from '../template/engine.js';
import { parseExtraVars } from './extra-vars.js';
import { listHosts, listTasks } from './listing.js';
import type { RunCliOptions } from './run-command.js';

const splitTags = (v: string[]) => v.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);

/** What `oasis-play run` does once its options are read: returns the exit code; throws what it cannot run. */
export async function runPlaybookFiles(files: string[], o: RunCliOptions, forks: number, ssh: PoolOptions): Promise<number> {
  // Every problem of every playbook at once, before anything connects (exit 4, as Ansible's parse errors).
  const { validatePlaybooks, formatProblem } = await import('../validate/index.js');
  const problems = validatePlaybooks(files);
  if (problems.length) {
    for (const p of problems) process.stderr.write(`ERROR: ${formatProblem(p)}\n`);
    return 4;
  }
  const modules = new ModuleRegistry();
  const playbooks: Playbook[] = [];
  for (const f of files) {
    try {
      playbooks.push(await loadPlaybook(f, modules));
    } catch (e) {
      // Ansible exits 4 when it cannot parse a playbook.
      if (e instanceof UserError && e.exitCode === 1) throw new UserError(e.message, undefined, 4);
      throw e;
    }
  }
  if (o.syntaxCheck) {
    for (const pb of playbooks) process.stdout.write(`\nplaybook: ${pb.file}\n`);
    return EXIT.ok;
  }
  // group_vars/host_vars beside every playbook that has plays (imported ones included).
  const playbookDirs = playbooks.flatMap((pb) => pb.plays.map((p) => p.dir));
  const loaded = await loadInventories(o.inventory, { playbookDirs });
  for (const w of loaded.warnings) process.stderr.write(`[WARNING]: ${w}\n`);
  const inventoryFile = loaded.file;
  const extraVars = await parseExtraVars(o.extraVars);
  // Patterns as the plays will render them, so `hosts: "{{ target }}"` with `-e target=live` discovers too.
  const header = { templates: new TemplateEngine(), extraVars, groups: groupMembers(loaded.inventory) };
  const playHosts = playbooks.flatMap((pb) => pb.plays.map((p) => renderPlayHeader(p, header).hosts));
  const patterns = [...playHosts, ...(o.limit ? [o.limit] : []), ...dynamicGroupValues(playbooks)];
  const inventory = await withDynamicGroupsFor(loaded.inventory, o.discover ? true : patterns, { ...ssh, offline: !!o.plan });
  // As Ansible's check: hosts of `all` left by the limit (an implicit localhost is not one of them).
  const limited = o.limit === undefined ? [] : selectHosts(inventory, {}, o.limit, { limit: true, warn: (m) => process.stderr.write(`[WARNING]: ${m}\n`) });
  if (o.limit !== undefined && !limited.some((h) => inventory.hosts.has(h))) {
    throw new UserError('Specified inventory, host pattern and/or --limit leaves us with no hosts to target.', undefined, 1);
  }
  const options: RunOptions = {
    check: !!o.check,
    diff: !!o.diff,
    forks,
    tags: { only: splitTags(o.tags), skip: splitTags(o.skipTags) },
    extraVars,
    limit: o.limit,
    startAtTask: o.startAtTask,
    verbosity: o.verbose,
    plan: !!o.plan,
  };
  const groups = groupMembers(inventory);
  if (o.listHosts || o.listTasks) {
    const print = o.listHosts ? listHosts : listTasks;
    process.stdout.write(print(playbooks, inventory, groups, options));
    return EXIT.ok;
  }
  if (!o.plan) await checkKnownHostsFile(o.knownHosts);
  // --plan: a pool that never connects, and a reporter that shows what would run.
  const { reporter, connections } = o.plan
    ? (await import('../plan/session.js')).planSession(process.stdout, process.stderr)
    : {
        reporter: createReporter({ mode: o.json ? 'json' : o.output, verbosity: o.verbose, diff: !!o.diff, out: process.stdout, err: process.stderr }),
        connections: new ConnectionPool(ssh),
      };
  const ctx = newRunContext({ inventory, inventoryFile, options, reporter, modules, connections });
  const interrupted = new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      process.stderr.write('\nERROR: user interrupted execution\n');
      void ctx.connections.closeAll().finally(() => resolve(EXIT.interrupted));
    });
  });
  const code = await Promise.race([runPlaybooks(ctx, playbooks).finally(() => connections.closeAll()), interrupted]);
  await reporter.close();
  return code;
}
