#!/usr/bin/env node
import { readFileSync } from 'node:fs';
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
    .option('--start-at-task <name>', 'start at the task with this name')
    .option('--known-hosts <file>', 'OpenSSH known_hosts file to check host keys against (default ~/.ssh/known_hosts)')
    .addOption(new Option('--host-key-checking <mode>', 'yes: refuse unknown keys; accept-new: record unknown keys; no: accept any').choices(['yes', 'accept-new', 'no']).default('yes'))
    .option('-T, --timeout <seconds>', 'SSH connection timeout', '10')
    .option('-v, --verbose', 'more output (-vvv: internal details and stack traces)', increase, 0)
    .option('--json', 'JSON lines events and a final JSON summary on stdout')
    .addOption(new Option('--output <mode>', 'live (terminal), plain (CI) or auto').choices(['auto', 'live', 'plain']).default('auto'))
    .action(async (playbooks: string[], opts) => {
      const { runCommand } = await import('./run-command.js');
      const code = await runCommand(playbooks, opts);
      // After Ctrl-C, work may still be winding down (remote scripts being killed): leave now.
      if (code === 99) process.exit(code);
      process.exitCode = code;
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
