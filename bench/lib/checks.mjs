// What the benchmark checks besides speed: that every tool left the same files, and how fast
// `oasis-play --version` answers.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './measure.mjs';
import { has } from './setup.mjs';
import { compareManifests } from './tree-hash.mjs';

/** Differences between each tool's files and the reference tool's (ansible if it ran), per node. */
export function fileCheck(result, tools) {
  const ref = tools.includes('ansible') ? 'ansible' : tools[0];
  const checks = {};
  for (const t of tools) {
    if (t === ref) continue;
    const diffs = result.manifests[t].map((m, i) => compareManifests(result.manifests[ref][i], m));
    checks[t] = { ref, identical: diffs.filter((d) => d.length === 0).length, nodes: diffs.length, entries: result.manifests[ref][0]?.length ?? 0, sample: diffs.find((d) => d.length)?.slice(0, 8) ?? [] };
  }
  return checks;
}

/** `oasis-play --version`: hyperfine when installed, else the median of 20 runs. */
export function versionTime(cli) {
  if (has('hyperfine')) {
    const dir = mkdtempSync(join(tmpdir(), 'oasis-bench-hf-'));
    const json = join(dir, 'v.json');
    const r = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', '20', '--export-json', json, `${process.execPath} ${cli} --version`], { stdio: 'ignore' });
    const res = r.status === 0 ? JSON.parse(readFileSync(json, 'utf8')).results[0] : undefined;
    rmSync(dir, { recursive: true, force: true });
    if (res) return { tool: 'hyperfine', medianMs: res.median * 1000, minMs: res.min * 1000, maxMs: res.max * 1000 };
  }
  const times = [];
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, [cli, '--version'], { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { tool: '20 runs', medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
}
