// The results as Markdown, and their place in docs/benchmarks.md (between two markers, so the
// hand-written text around them stays).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { median } from './measure.mjs';

export const START = '<!-- bench:results:start (written by npm run bench) -->';
export const END = '<!-- bench:results:end -->';

const TARGETS = { speedup10: 30, rerun50Ms: 2000, floorRatio: 2, rssMb50: 150, versionMs: 300 };
const s = (ms) => (ms / 1000).toFixed(2);
const mb = (kb) => (kb / 1024).toFixed(0);

/** Median of each measure over the repetitions of one tool/phase. */
export function summarize(runs) {
  if (!runs?.length) return undefined;
  const pick = (f) => median(runs.map(f));
  return {
    n: runs.length,
    wallMs: pick((r) => r.wallMs),
    minMs: Math.min(...runs.map((r) => r.wallMs)),
    maxMs: Math.max(...runs.map((r) => r.wallMs)),
    cpuMs: pick((r) => r.cpuMs),
    nodesCpuMs: pick((r) => r.nodesCpuMs),
    maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)),
    keptRssKb: Math.max(...runs.map((r) => r.keptRssKb ?? 0)),
    keptExtraKb: Math.max(...runs.map((r) => r.keptExtraKb ?? 0)),
    /** The run and what it keeps running: pages they share (the program's code) counted once. */
    allKb: Math.max(...runs.map((r) => r.maxRssKb + (r.keptExtraKb ?? 0))),
    changed: runs[0].changed,
  };
}

export function renderResults({ machine, version, options, sizes }) {
  const out = [];
  const m = machine;
  out.push(`Ran ${m.date} on ${m.nproc} cores (${m.cpu}), ${m.memory} RAM, ${m.os}, ${m.kernel}; Node ${m.node}; ${m.ansible} (${m.python}); ${m.openssh}.`, '');
  out.push('| nodes | tool | run | wall (median) | min–max | CPU (tool) | CPU (nodes) | max RSS | kept RSS | kept adds | changed | ansible ÷ this | this ÷ floor |');
  out.push('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const verdicts = [];
  for (const { size, runs, files } of sizes) {
    for (const phase of ['first', 'rerun']) {
      const sum = Object.fromEntries(Object.entries(runs).map(([t, r]) => [t, summarize(r[phase])]));
      for (const [tool, x] of Object.entries(sum)) {
        if (!x) continue;
        const vsAnsible = sum.ansible && tool !== 'ansible' ? `${(sum.ansible.wallMs / x.wallMs).toFixed(1)}×` : '';
        const vsFloor = sum.floor && tool !== 'floor' ? `${(x.wallMs / sum.floor.wallMs).toFixed(2)}×` : '';
        out.push(`| ${size} | ${tool} (${x.n}×) | ${phase} | ${s(x.wallMs)} s | ${s(x.minMs)}–${s(x.maxMs)} | ${s(x.cpuMs)} s | ${Number.isNaN(x.nodesCpuMs) ? 'n/a' : `${s(x.nodesCpuMs)} s`} | ${mb(x.maxRssKb)} MB | ${x.keptRssKb ? `${mb(x.keptRssKb)} MB` : ''} | ${x.keptRssKb ? `${mb(x.keptExtraKb)} MB` : ''} | ${x.changed} | ${vsAnsible} | ${vsFloor} |`);
      }
      const oasis = sum.oasis;
      if (!oasis) continue;
      if (size === 10 && sum.ansible) verdicts.push([`≥ ${TARGETS.speedup10}× faster than ansible-playbook, 10 nodes, ${phase}`, `${(sum.ansible.wallMs / oasis.wallMs).toFixed(1)}×`, sum.ansible.wallMs / oasis.wallMs >= TARGETS.speedup10]);
      const connecting = sum.connect ? ` (connecting alone: ${s(sum.connect.wallMs)} s)` : '';
      if (size === 50 && phase === 'rerun') verdicts.push([`re-run on 50 nodes under ${s(TARGETS.rerun50Ms)} s`, `${s(oasis.wallMs)} s${connecting}`, oasis.wallMs < TARGETS.rerun50Ms]);
      if (sum.floor) verdicts.push([`within ${TARGETS.floorRatio}× of the floor, ${size} nodes, ${phase}`, `${(oasis.wallMs / sum.floor.wallMs).toFixed(2)}×`, oasis.wallMs <= TARGETS.floorRatio * sum.floor.wallMs]);
      const parts = oasis.keptRssKb ? ` (${mb(oasis.maxRssKb)} MB run + ${mb(oasis.keptExtraKb)} MB the keeper adds; its RSS, ${mb(oasis.keptRssKb)} MB, counts the code it shares with the run)` : '';
      if (size === 50) verdicts.push([`peak memory under ${TARGETS.rssMb50} MB at 50 nodes, ${phase}`, `${mb(oasis.allKb)} MB${parts}`, oasis.allKb / 1024 < TARGETS.rssMb50]);
    }
  }
  verdicts.push([`\`oasis-play --version\` under ${TARGETS.versionMs} ms`, `${version.medianMs.toFixed(0)} ms (${version.tool}, min ${version.minMs.toFixed(0)}, max ${version.maxMs.toFixed(0)})`, version.medianMs < TARGETS.versionMs]);
  out.push('', '**Same files?** (every entry under `/srv` of every node after the re-run: type, mode, owner, sha256 or link target)', '');
  for (const { size, files } of sizes) {
    for (const [tool, c] of Object.entries(files)) {
      const same = c.identical === c.nodes;
      out.push(`- ${size} nodes, ${tool} vs ${c.ref}: ${same ? `identical on ${c.nodes}/${c.nodes} nodes (${c.entries} entries each)` : `DIFFERENT on ${c.nodes - c.identical}/${c.nodes} nodes: ${c.sample.map((l) => `\`${l}\``).join(', ')}`}`);
    }
  }
  out.push('', '**Targets**', '', '| target | measured | met |', '|---|---|---|');
  for (const [what, got, ok] of verdicts) out.push(`| ${what} | ${got} | ${ok ? 'yes' : '**no**'} |`);
  out.push('', `Repetitions: oasis-play, floor and connect ${options.reps}× per size; ansible-playbook ${Object.entries(options.ansibleReps).map(([k, v]) => `${v}× at ${k} nodes`).join(', ')} (each repetition = fresh nodes, first run, re-run).`);
  return out.join('\n');
}

/** Replaces the marked section of the doc (or creates the doc around it). */
export function writeResults(file, md) {
  const block = `${START}\n${md}\n${END}`;
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`;
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  const next = a >= 0 && b > a ? doc.slice(0, a) + block + doc.slice(b + END.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
