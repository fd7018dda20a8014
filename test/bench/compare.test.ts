// The benchmark's own checks: that the floor script really is idempotent, that two trees are
// compared on type/mode/owner/content, and that timings and recaps are read right.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM without types
import { floorScript } from '../../bench/lib/floor.mjs';
// @ts-expect-error plain ESM without types
import { fileFrames, keptMemory } from '../../bench/lib/footprint.mjs';
import { machineCounters, median, parseGnuTime } from '../../bench/lib/measure.mjs';
// @ts-expect-error plain ESM without types
import { PLAYBOOK_VARS } from '../../bench/lib/playbook-vars.mjs';
// @ts-expect-error plain ESM without types
import { parseRecap } from '../../bench/lib/recap.mjs';
// @ts-expect-error plain ESM without types
import { END, START, renderResults, writeResults } from '../../bench/lib/report.mjs';
// @ts-expect-error plain ESM without types
import { compareManifests, manifest } from '../../bench/lib/tree-hash.mjs';

const dirs: string[] = [];
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'oasis-bench-test-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('floor script', () => {
  it('makes every change once, then none', () => {
    const app = join(temp(), 'bench');
    const script = floorScript('node7', { ...PLAYBOOK_VARS, app_dir: app });
    const run = () => execFileSync('sh', ['-c', script], { encoding: 'utf8' }).trim();
    expect(run()).toMatch(/^changed=[1-9]\d*$/);
    const after = manifest(app);
    expect(run()).toBe('changed=0');
    expect(manifest(app)).toEqual(after);
    expect(readFileSync(join(app, 'conf.d/app.ini'), 'utf8')).toContain('host = node7');
    expect(after).toContain(`current.conf link 0777 ${process.getuid!()}:${process.getgid!()} -> ${app}/app.conf`);
  });
});

describe('manifest', () => {
  it('records type, mode, owner and content, and tells the differences', () => {
    const a = temp();
    mkdirSync(join(a, 'd'));
    writeFileSync(join(a, 'd/f'), 'x');
    chmodSync(join(a, 'd/f'), 0o640);
    symlinkSync('d/f', join(a, 'l'));
    const m = manifest(a);
    expect(m.map((l: string) => l.split(' ').slice(0, 3).join(' '))).toEqual(['. dir 0700', 'd dir 0755', 'd/f file 0640', 'l link 0777']);
    expect(compareManifests(m, m)).toEqual([]);
    chmodSync(join(a, 'd/f'), 0o644);
    const diff = compareManifests(m, manifest(a));
    expect(diff).toHaveLength(2);
    expect(diff[0]).toMatch(/^- d\/f file 0640/);
    expect(diff[1]).toMatch(/^\+ d\/f file 0644/);
    expect(manifest(join(a, 'missing'))).toEqual([]);
  });
});

describe('readers', () => {
  it('reads GNU time, /proc/stat, a recap and medians', () => {
    expect(parseGnuTime('Command exited with non-zero status 2\n1.50 0.75 0.25 91552\n')).toEqual({ userMs: 750, sysMs: 250, maxRssKb: 91552 });
    expect(() => parseGnuTime('garbage')).toThrow(/GNU time/);
    expect(machineCounters('cpu  10 1 5 100 3 2 4 0 0 0\ncpu0 1 1 1 1 1 1 1 1\nprocesses 42\n')).toEqual({ busy: 22, forks: 42 });
    const out = 'PLAY RECAP ***\nn1   : ok=18   changed=16   unreachable=0    failed=0    skipped=0\nn2   : ok=17   changed=0   unreachable=1    failed=0\n';
    expect(parseRecap(out).total).toEqual({ ok: 35, changed: 16, unreachable: 1, failed: 0 });
    expect(() => parseRecap('no recap')).toThrow();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('footprint of kept processes', () => {
  const rssKb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  const anonKb = (pid: number) => Number(/^Anonymous:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))![1]);

  it('counts once the code pages a kept process shares with the run (two real node processes)', async () => {
    const { spawn } = await import('node:child_process');
    const start = () => spawn(process.execPath, ['-e', 'require("node:crypto").randomBytes(8); setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const [run, kept] = [start(), start()];
    try {
      await new Promise((r) => setTimeout(r, 500));
      const runFrames = fileFrames(run.pid!);
      expect(runFrames.size * 4).toBeGreaterThan(10_000); // node's own code, resident
      const alone = keptMemory([kept.pid!], new Set()).extraKb;
      const besideRun = keptMemory([kept.pid!], runFrames).extraKb;
      // Counted alone, a process is what it has resident; beside the same program, its code is the run's.
      expect(Math.abs(alone - rssKb(kept.pid!))).toBeLessThan(2048);
      expect(besideRun).toBeLessThan(alone - 10_000);
      expect(besideRun).toBeGreaterThanOrEqual(anonKb(kept.pid!) - 1024);
      expect(keptMemory([kept.pid!], runFrames).rssKb).toBeGreaterThanOrEqual(rssKb(kept.pid!) - 1024); // its peak
    } finally {
      run.kill();
      kept.kill();
    }
  });
});

describe('report', () => {
  const run = (wallMs: number, changed: number) => ({ wallMs, userMs: wallMs / 2, sysMs: 0, cpuMs: wallMs / 2, maxRssKb: 100 * 1024, nodesCpuMs: wallMs, changed });
  const results = {
    machine: { date: 'd', nproc: '2', cpu: 'c', memory: 'm', kernel: 'k', os: 'o', node: 'n', ansible: 'a', python: 'p', openssh: 's' },
    version: { tool: '20 runs', medianMs: 120, minMs: 100, maxMs: 140 },
    options: { reps: 1, ansibleReps: { 10: 1 } },
    sizes: [
      {
        size: 10,
        runs: {
          floor: { first: [run(500, 5)], rerun: [run(400, 0)] },
          oasis: { first: [run(900, 5)], rerun: [run(700, 0)] },
          ansible: { first: [run(36000, 5)], rerun: [run(30000, 0)] },
        },
        files: { floor: { ref: 'ansible', identical: 10, nodes: 10, entries: 19, sample: [] }, oasis: { ref: 'ansible', identical: 9, nodes: 10, entries: 19, sample: ['- x'] } },
      },
    ],
  };

  it('gives ratios and verdicts', () => {
    const md = renderResults(results);
    expect(md).toContain('| 10 | oasis (1×) | first | 0.90 s |');
    expect(md).toContain('| ≥ 30× faster than ansible-playbook, 10 nodes, first | 40.0× | yes |');
    expect(md).toContain('| within 2× of the floor, 10 nodes, rerun | 1.75× | yes |');
    expect(md).toContain('oasis vs ansible: DIFFERENT on 1/10 nodes');
  });

  it('counts what a tool keeps running between runs (its keeper) in its memory at 50 nodes, shared pages once', () => {
    const kept = (r: ReturnType<typeof run>, keptRssKb: number, keptExtraKb: number) => ({ ...r, keptRssKb, keptExtraKb });
    const md = renderResults({
      ...results,
      sizes: [{ size: 50, runs: { oasis: { first: [kept(run(900, 5), 70 * 1024, 60 * 1024)], rerun: [kept(run(700, 0), 70 * 1024, 40 * 1024)] } }, files: {} }],
    });
    expect(md).toContain('| 50 | oasis (1×) | first | 0.90 s | 0.90–0.90 | 0.45 s | 0.90 s | 100 MB | 70 MB | 60 MB | 5 |');
    expect(md).toContain('| peak memory under 150 MB at 50 nodes, first | 160 MB (100 MB run + 60 MB the keeper adds; its RSS, 70 MB, counts the code it shares with the run) | **no** |');
    expect(md).toContain('| peak memory under 150 MB at 50 nodes, rerun | 140 MB (100 MB run + 40 MB the keeper adds; its RSS, 70 MB, counts the code it shares with the run) | yes |');
  });

  it('replaces only its own part of the doc', () => {
    const file = join(temp(), 'b.md');
    writeFileSync(file, `# B\n\nintro\n\n${START}\nold\n${END}\n\noutro\n`);
    writeResults(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe(`# B\n\nintro\n\n${START}\nnew\n${END}\n\noutro\n`);
  });
});
