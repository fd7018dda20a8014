// `npm run bench`: oasis-play against ansible-playbook and a hand-written floor, on real lab
// nodes, first run (fresh nodes) and idempotent re-run; writes docs/benchmarks.md.
// Options: --sizes 10,50  --tools connect,floor,oasis,ansible  --reps 5  --ansible-reps 10:3,50:1
//          --no-write (print only)  --keep-lab (leave the last lab running)  --cli other/dist/bin/oasis-play.js
//          --subnet 60 (labs on 127.0.60.0/24, 127.0.61.0/24, ...)  --baseline other/dist/bin/oasis-play.js
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labDown, labResetNode, labUp } from '../dist/lab/lab.js';
import { ansibleRun } from './lib/ansible.mjs';
import { cpuGroup } from './lib/cgroup.mjs';
import { measure } from './lib/measure.mjs';
import { BENCH_DIR, MANAGED_ROOT, PLAYBOOK } from './lib/playbook-vars.mjs';
import { parseRecap } from './lib/recap.mjs';
import { renderResults, writeResults } from './lib/report.mjs';
import { ensurePackages, machineInfo } from './lib/setup.mjs';
import { manifest } from './lib/tree-hash.mjs';
import { fileCheck, versionTime } from './lib/checks.mjs';

const ROOT = join(BENCH_DIR, '..');
const sec = (ms) => (ms / 1000).toFixed(2);
let CLI = join(ROOT, 'dist/bin/oasis-play.js');
let BASELINE = '';

function options(argv) {
  const o = { sizes: [10, 50], tools: ['connect', 'floor', 'oasis', 'ansible'], reps: 5, ansibleReps: { 10: 3, 50: 1 }, write: true, keepLab: false, subnet: 60 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? (() => { throw new Error(`${a} needs a value`); })();
    if (a === '--sizes') o.sizes = next().split(',').map(Number);
    else if (a === '--tools') o.tools = next().split(',');
    else if (a === '--reps') o.reps = Number(next());
    else if (a === '--ansible-reps') o.ansibleReps = Object.fromEntries(next().split(',').map((p) => p.split(':').map(Number)));
    else if (a === '--no-write') o.write = false;
    else if (a === '--keep-lab') o.keepLab = true;
    else if (a === '--subnet') o.subnet = Number(next()); // the first lab's 127.0.S.0/24; the next size gets S+1
    else if (a === '--cli') o.cli = next(); // another build of oasis-play
    else if (a === '--baseline') o.baseline = next(); // adds tool "baseline": e.g. the build before a change
    else throw new Error(`unknown option ${a} (see the top of bench/run.mjs)`);
  }
  return o;
}

const floorCounts = (r) => ({ changed: [...r.stdout.matchAll(/changed=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0), failed: 0, unreachable: 0 });

/** How each tool is started on a lab; changed counts come from its own output. */
function tools(lab) {
  const n = lab.nodes.length;
  const changedOf = (r) => parseRecap(r.stdout).total;
  // A keeper of its own for each repetition (fresh XDG_RUNTIME_DIR): the first run starts it and
  // connects; the re-run leases its connections, as the next command of a user does within --persist.
  const oasisRun = (cli) => {
    const runtime = mkdtempSync(join(tmpdir(), 'oasis-bench-xdg-'));
    const env = { ...process.env, XDG_RUNTIME_DIR: runtime };
    return {
      cmd: process.execPath,
      args: [cli, 'run', PLAYBOOK, '-i', lab.inventoryFile, '--known-hosts', lab.knownHostsFile, '-f', String(n)],
      env,
      counts: changedOf,
      cleanup() {
        spawnSync(process.execPath, [cli, 'connections', '--close'], { env, stdio: 'ignore' });
        rmSync(runtime, { recursive: true, force: true });
      },
    };
  };
  return {
    floor: () => ({ cmd: process.execPath, args: [join(BENCH_DIR, 'floor-run.mjs'), lab.dir], counts: floorCounts }),
    // Connecting to every node and running `true`: below this no SSH tool can go.
    connect: () => ({ cmd: process.execPath, args: [join(BENCH_DIR, 'floor-run.mjs'), lab.dir, '--connect-only'], counts: floorCounts, changesNothing: true }),
    oasis: () => oasisRun(CLI),
    baseline: () => oasisRun(BASELINE),
    ansible: () => ({ ...ansibleRun(lab, PLAYBOOK), counts: changedOf }),
  };
}

/** Fresh nodes; their new sshd go into the nodes' CPU group (what they fork is counted too). */
async function resetNodes(lab, group) {
  await Promise.all(lab.nodes.map((n) => labResetNode(lab, n.name)));
  for (const n of lab.nodes) group?.add(n.pid);
}

/** One measured run; fails loudly when the tool failed or a re-run changed something. */
async function runOnce(tool, phase, nodes, session) {
  const r = await measure(tool.cmd, tool.args, { env: tool.env, cwd: ROOT, nodes, session });
  let counts;
  try {
    counts = tool.counts(r);
  } catch (e) {
    throw new Error(`${e.message}\n--- stdout (tail)\n${r.stdout.slice(-3000)}\n--- stderr (tail)\n${r.stderr.slice(-3000)}`);
  }
  const bad = r.code !== 0 || counts.failed > 0 || counts.unreachable > 0 || (phase === 'rerun' && counts.changed !== 0) || (phase === 'first' && counts.changed === 0 && !tool.changesNothing);
  if (bad) throw new Error(`${phase} run went wrong (exit ${r.code}, ${JSON.stringify(counts)})\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  const { stdout, stderr, ...m } = r;
  return { ...m, changed: counts.changed };
}

async function benchSize(size, subnet, o) {
  const dir = mkdtempSync(join(tmpdir(), `oasis-bench-lab-${size}-`));
  const lab = await labUp(size, { dir, subnet });
  const out = { size, runs: {}, manifests: {} };
  const group = cpuGroup('oasis-bench-nodes');
  try {
    // Repetitions interleave the tools, so that a change in the machine's load hits them alike.
    const repsOf = (name) => (name === 'ansible' ? (o.ansibleReps[size] ?? 1) : o.reps);
    for (const name of o.tools) out.runs[name] = { first: [], rerun: [] };
    for (let rep = 1; rep <= Math.max(...o.tools.map(repsOf)); rep++) {
      for (const name of o.tools.filter((t) => rep <= repsOf(t))) {
        await resetNodes(lab, group);
        // The re-run follows the first run as a user's next command does: what the tool keeps
        // between runs (oasis-play's keeper, ansible's ControlPersist masters) serves it, and
        // its CPU counts in the run it works for (one cgroup for both).
        const tool = tools(lab)[name]();
        const session = cpuGroup('oasis-bench-tool');
        try {
          for (const phase of ['first', 'rerun']) {
            const m = await runOnce(tool, phase, group, session);
            out.runs[name][phase].push(m);
            console.log(`${size} nodes  ${name.padEnd(7)} ${phase.padEnd(5)} #${rep}: ${sec(m.wallMs)} s wall, CPU ${sec(m.cpuMs)} s + nodes ${sec(m.nodesCpuMs)} s, ${(m.maxRssKb / 1024).toFixed(0)} MB + kept ${(m.keptRssKb / 1024).toFixed(0)} MB RSS (adds ${((m.keptExtraKb ?? 0) / 1024).toFixed(0)} MB), changed=${m.changed}`);
          }
        } finally {
          tool.cleanup?.();
          session?.remove();
        }
        // What the tool left behind, after its last re-run.
        if (rep === repsOf(name) && name !== 'connect') out.manifests[name] = lab.nodes.map((n) => manifest(join(n.root, MANAGED_ROOT)));
      }
    }
  } finally {
    if (o.keepLab) console.log(`lab left running in ${dir}`);
    else await labDown(dir);
    if (!o.keepLab) group?.remove();
  }
  return out;
}

async function main() {
  const o = options(process.argv.slice(2));
  if (o.cli) CLI = resolve(o.cli);
  if (o.baseline) {
    BASELINE = resolve(o.baseline);
    if (!o.tools.includes('baseline')) o.tools.splice(o.tools.indexOf('oasis'), 0, 'baseline');
  }
  if (process.getuid?.() !== 0) throw new Error('the benchmark starts lab nodes and needs root');
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm run bench does)`);
  const required = [{ cmd: '/usr/bin/time', pkg: 'time' }, ...(o.tools.includes('ansible') ? [{ cmd: 'ansible-playbook', pkg: 'ansible-core' }] : [])];
  ensurePackages(required, [{ cmd: 'hyperfine', pkg: 'hyperfine' }]);
  const machine = machineInfo();
  const version = versionTime(CLI);
  console.log(`oasis-play --version: ${version.medianMs.toFixed(0)} ms (${version.tool})`);
  const sizes = [];
  for (const [i, size] of o.sizes.entries()) {
    const r = await benchSize(size, o.subnet + i, o);
    sizes.push({ size, runs: r.runs, files: fileCheck(r, o.tools.filter((t) => t !== 'connect')) });
  }
  const results = { machine, version, options: { reps: o.reps, ansibleReps: o.ansibleReps, tools: o.tools }, sizes };
  const md = renderResults(results);
  console.log(`\n${md}`);
  if (o.write) {
    writeResults(join(ROOT, 'docs/benchmarks.md'), md);
    writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 1)}\n`);
    console.log('wrote docs/benchmarks.md and bench/results.json');
  }
}

await main();
