#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError, Option } from 'commander';
import { reportError } from './errors.js';

// Only commander is loaded up front: `--version` and `--help` must answer fast; each command
// imports what it needs when it runs.
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const collect = (v: string, prev: string[]) => [...prev, v];
const increase = (_: string, prev: number) => prev + 1;
const persistOption = () =>
  new Option('--persist <seconds>', "keep the SSH connections open this long for the next command (as Ansible's ControlPersist); 0: close them at the end").default('60');

export function buildProgram(): Command {
  const program = new Command('oasis-play')
    .description('Ansible-style playbooks over SSH, in parallel, for a LAN of small machines')
    .version(version(), '--version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('run')
    .description('run one or more playbooks against an inventory')
    .argument('<playbook...>', 'playbook files (YAML)')
    .option('-i, --inventory <path>', 'inventory file (INI or YAML) or a comma-separated host list; repeatable', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern')
    .option('-t, --tags <tags>', 'only run tasks with these tags (comma-separated); repeatable', collect, [])
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated); repeatable', collect, [])
    .option('-e, --extra-vars <vars>', 'key=value, @file.yml or JSON; repeatable, later wins', collect, [])
    .option('-C, --check', 'change nothing; report what would change')
    .option('-D, --diff', 'show the differences in files and templates')
    .option('-f, --forks <n>', 'hosts worked on at the same time', '25')
    .option('--list-hosts', 'list the hosts each play would run on, and stop')
    .option('--list-tasks', 'list the tasks each play would run, and stop')
    .option('--syntax-check', 'check the playbooks, and stop')
    .option('--plan', 'show what would run on each host (rendered arguments and templates) without connecting to any')
    .option('--discover', 'discover the nodes first, for the dynamic groups (live, service_<name>, arch_<arch>, label_<k>_<v>) in templates too; automatic when hosts: or --limit name one')
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--known-hosts <file>', 'OpenSSH known_hosts file to check host keys against (default ~/.ssh/known_hosts)')
    .addOption(new Option('--host-key-checking <mode>', 'yes: refuse unknown keys; accept-new: record unknown keys; no: accept any').choices(['yes', 'accept-new', 'no']).default('yes'))
    .option('-T, --timeout <seconds>', 'SSH connection timeout', '10')
    .addOption(persistOption())
    .option('-v, --verbose', 'more output (-vvv: internal details and stack traces)', increase, 0)
    .option('--json', 'JSON lines events and a final JSON summary on stdout')
    .addOption(new Option('--output <mode>', 'live (terminal), plain (CI) or auto').choices(['auto', 'live', 'plain']).default('auto'))
    .action(async (playbooks: string[], opts) => {
      // A run is short and its CPU time is spread thin (SSH, templating, scripts): optimising
      // JIT tiers cost more than they win, ~15% of the run's CPU time (docs/benchmarks.md).
      setFlagsFromString('--max-opt=1');
      const { runCommand } = await import('./run-command.js');
      const code = await runCommand(playbooks, opts);
      // After Ctrl-C, work may still be winding down (remote scripts being killed): leave now.
      if (code === 99) process.exit(code);
      process.exitCode = code;
    });

  program
    .command('inventory')
    .description('show the inventory as Ansible sees it (ansible-inventory): --list, --graph [GROUP] or --host NAME')
    .option('-i, --inventory <path>', 'inventory file, directory (INI or YAML) or comma-separated host list; repeatable', collect, [])
    .option('--list', 'every group and host, as JSON (variables under _meta.hostvars)')
    .option('--graph [group]', 'the group tree from GROUP (default all)')
    .option('--host <name>', 'one host\'s variables, as JSON')
    .option('--playbook-dir <dir>', 'also read group_vars/ and host_vars/ beside this playbook directory')
    .option('--export', 'with --list: variables where they are defined (group vars under groups)')
    .option('--export-ini', 'discover the nodes and print an Ansible INI hosts file of the live ones, with their static and dynamic groups')
    .option('--known-hosts <file>', 'with --export-ini: OpenSSH known_hosts file (default ~/.ssh/known_hosts)')
    .addOption(new Option('--host-key-checking <mode>', 'with --export-ini: yes, accept-new or no').choices(['yes', 'accept-new', 'no']).default('yes'))
    .option('-T, --timeout <seconds>', 'with --export-ini: SSH connection timeout per node', '5')
    .option('-v, --verbose', 'more output (-vvv: stack traces)', increase, 0)
    .action(async (opts) => {
      const { inventoryCommand } = await import('./inventory-command.js');
      process.exitCode = await inventoryCommand(opts);
    });

  program
    .command('agent')
    .description('write this node\'s metadata (load, memory, disks, labels, services) to ~/meta-data.json, every few seconds')
    .option('--interval <seconds>', 'seconds between updates', '5')
    .option('--once', 'write once and exit')
    .option('--file <path>', 'metadata file (default ~/meta-data.json)')
    .option('--labels <file>', 'YAML file with `labels: {key: value}` (default ~/.oasis/labels.yml)')
    .action(async (opts) => {
      const { agentCommand } = await import('./agent-command.js');
      process.exitCode = await agentCommand(opts);
    });

  program
    .command('nodes')
    .description('discover the nodes of an inventory: live, stale or down, and how loaded they are')
    .option('-i, --inventory <path>', 'inventory file or comma-separated host list; repeatable', collect, [])
    .option('--json', 'JSON instead of a table')
    .option('--watch', 'refresh every 2 s until Ctrl-C')
    .option('--known-hosts <file>', 'OpenSSH known_hosts file (default ~/.ssh/known_hosts)')
    .addOption(new Option('--host-key-checking <mode>', 'yes, accept-new or no').choices(['yes', 'accept-new', 'no']).default('yes'))
    .option('-T, --timeout <seconds>', 'SSH connection timeout per node', '5')
    .addOption(persistOption())
    .option('-f, --forks <n>', 'nodes probed at the same time', '50')
    .option('--stale-after <seconds>', 'metadata older than this is stale (default 3x the agent interval, else 60)')
    .option('--scorer <name>', 'load score to sort by', 'default')
    .action(async (opts) => {
      const { nodesCommand } = await import('./nodes-command.js');
      const code = await nodesCommand(opts);
      // After Ctrl-C, an SSH handshake to a silent node may still be under way: leave now, not at its timeout.
      if (opts.watch) process.exit(code);
      process.exitCode = code;
    });

  const placement = (cmd: Command) =>
    cmd
      .option('-i, --inventory <path>', 'inventory file or directory; repeatable', collect, [])
      .option('-e, --extra-vars <vars>', 'key=value, @file.yml or JSON for the service playbooks; repeatable', collect, [])
      .option('--plan', 'no connection at all: show the chosen nodes, tasks and rendered configs (mock inventories)')
      .option('--strategy <name>', 'placement order: least-loaded, most-free-memory, by-name', 'least-loaded')
      .option('--lock-timeout <seconds>', 'how long to wait for another launch/remove on the same inventory', '300')
      .option('--catalog <dir>', 'more service catalog directories (before ./playbooks and the built-in one)', collect, [])
      .option('--known-hosts <file>', 'OpenSSH known_hosts file (default ~/.ssh/known_hosts)')
      .addOption(new Option('--host-key-checking <mode>', 'yes, accept-new or no').choices(['yes', 'accept-new', 'no']).default('yes'))
      .option('-T, --timeout <seconds>', 'SSH connection timeout per node', '5')
      .addOption(persistOption())
      .option('-f, --forks <n>', 'hosts worked on at the same time', '25')
      .option('-v, --verbose', 'more output', increase, 0)
      .addOption(new Option('--output <mode>', 'live (terminal), plain (CI) or auto').choices(['auto', 'live', 'plain']).default('auto'));

  placement(
    program
      .command('launch')
      .description('install SERVICE on the N least-busy live nodes that do not run it yet (N may be all), then refresh what follows it')
      .argument('<N>', 'how many nodes, or all')
      .argument('<service>', 'a service of the catalog (oasis-play services)'),
  ).action(async (n: string, service: string, opts) => {
    const { placementCommand } = await import('./launch-command.js');
    process.exitCode = await placementCommand('launch', n, service, opts);
  });

  placement(
    program
      .command('remove')
      .description('uninstall SERVICE from N nodes (most loaded first) or from --nodes, then refresh what follows it')
      .argument('<N>', 'how many nodes, or all (ignored with --nodes)')
      .argument('<service>', 'a service of the catalog')
      .option('--nodes <names>', 'comma-separated nodes to remove it from'),
  ).action(async (n: string, service: string, opts) => {
    const { placementCommand } = await import('./launch-command.js');
    process.exitCode = await placementCommand('remove', n, service, opts);
  });

  placement(program.command('services').description('the service catalog, and where each service runs (with -i)').option('--json', 'JSON output')).action(async (opts) => {
    const { servicesCommand } = await import('./launch-command.js');
    process.exitCode = await servicesCommand(opts);
  });

  program
    .command('connections')
    .description('the SSH connections kept open for the next command (see --persist), and how long they have been idle')
    .option('--close', 'close them all, and stop the keeper that holds them')
    .option('--json', 'JSON instead of a table')
    .action(async (opts) => {
      const { connectionsCommand } = await import('./connections-command.js');
      process.exitCode = await connectionsCommand(opts);
    });

  // The keeper that holds those connections: started by a command, detached (see KeeperLink).
  program
    .command('__keeper', { hidden: true })
    .argument('<socket>')
    .argument('<idle-ms>')
    .action(async (socket: string, idleMs: string) => {
      // Its work comes in short bursts (a run's connections and messages), as a run's does.
      setFlagsFromString('--max-opt=1');
      const { runKeeper } = await import('../connection/keeper/main.js');
      await runKeeper(socket, Number(idleMs));
    });

  program
    .command('validate')
    .description('check playbooks, roles, task files, inventories, variable files and templates; report every problem')
    .argument('[path...]', 'files or directories (default: playbooks/, roles/, inventory/ and *.yml here)')
    .option('-i, --inventory <path>', 'also know the inventory: a variable nothing defines is then an error; repeatable', collect, [])
    .option('-e, --extra-vars <vars>', 'variables given at run time (key=value, @file.yml or JSON); repeatable', collect, [])
    .option('--json', 'the problems as one JSON object')
    .action(async (paths: string[], opts) => {
      const { validateCommand } = await import('./validate-command.js');
      process.exitCode = await validateCommand(paths, opts);
    });

  program
    .command('schema')
    .description('write the JSON Schemas of playbooks, task files, inventories and service manifests (for editors)')
    .option('--out <dir>', 'directory to write them to', 'schemas')
    .action(async (opts) => {
      const { schemaCommand } = await import('./schema-command.js');
      process.exitCode = await schemaCommand(opts);
    });

  return program;
}

async function main(): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; bad options are Ansible's exit code 5.
      process.exitCode = e.exitCode === 0 ? 0 : 5;
      return;
    }
    process.exitCode = reportError(e, process.argv.filter((a) => /^-v+$/.test(a)).reduce((n, a) => n + a.length - 1, 0));
  }
}

await main();
