// Turning what a node told us (or its inline mock metadata) into a NodeStatus: live or stale,
// which figures to trust, and its score.
import type { NodeMetadata } from '../agent/metadata.js';
import { formatMetadataProblem, metadataErrors, metadataProblems, type MetadataProblem } from '../agent/schema.js';
import { formatAge } from './age.js';
import type { ProbeData } from './probe.js';
import type { Scorer } from './score.js';
import type { Candidate, NodeStatus } from './types.js';

export interface EvaluateOptions {
  scorer: Scorer;
  /** Overrides the threshold; default 3 × the agent's interval (at least 5 s), else 60 s. */
  staleAfterSeconds?: number;
}

export const DEFAULT_STALE_SECONDS = 60;
const MIN_STALE_SECONDS = 5;

export function staleThreshold(meta: NodeMetadata | undefined, o: EvaluateOptions): number {
  if (o.staleAfterSeconds !== undefined) return o.staleAfterSeconds;
  const interval = meta?.agent?.intervalSeconds;
  return interval ? Math.max(MIN_STALE_SECONDS, 3 * interval) : DEFAULT_STALE_SECONDS;
}

function base(c: Candidate): Pick<NodeStatus, 'name' | 'address' | 'port' | 'origin'> {
  return { name: c.name, address: c.address, port: c.port, origin: c.origin };
}

function finish(s: Omit<NodeStatus, 'score'>, scorer: Scorer): NodeStatus {
  // The score takes the exact ratio: the rounded one shown would turn small differences into ties.
  const memoryUsedRatio = s.memory ? usedRatioOf(s.memory) : undefined;
  return { ...s, score: s.state === 'down' ? null : scorer({ load: s.load, cores: s.cores, memoryUsedRatio }) };
}

function usedRatioOf(m: { totalBytes: number; availableBytes: number }): number {
  return Math.min(1, Math.max(0, (m.totalBytes - m.availableBytes) / m.totalBytes));
}

function memory(m: { totalBytes: number; availableBytes: number } | undefined): NodeStatus['memory'] {
  if (!m || !(m.totalBytes > 0)) return undefined;
  return { totalBytes: m.totalBytes, availableBytes: m.availableBytes, usedRatio: Math.round(usedRatioOf(m) * 1000) / 1000 };
}

export function downStatus(c: Candidate, reason: NodeStatus['reason'], message: string): NodeStatus {
  return { ...base(c), state: 'down', reason, message, via: 'none', temperatureC: null, labels: {}, services: [], score: null };
}

/** A probed node. Load figures from a fresh agent file; otherwise from /proc, read in the same round trip. */
export function evaluateProbe(c: Candidate, p: ProbeData, o: EvaluateOptions): NodeStatus {
  let meta: NodeMetadata | undefined;
  let problem: string | undefined;
  if (p.metaText !== undefined) {
    try {
      const value = JSON.parse(p.metaText) as unknown;
      const problems = metadataProblems(value);
      if (problems.length) problem = `${c.metadataFile} does not match the metadata schema: ${problems.slice(0, 3).join('; ')}`;
      else meta = value as NodeMetadata;
    } catch (e) {
      problem = `${c.metadataFile} is not valid JSON: ${(e as Error).message}`;
    }
  }
  const age = meta ? Math.max(0, Math.round(p.now - Date.parse(meta.updatedAt) / 1000)) : undefined;
  // Only a file with load figures (an agent's) can go stale; a registry-only file just lists services.
  const fresh = meta?.load !== undefined && age! <= staleThreshold(meta, o);
  const stale = problem !== undefined || (meta?.load !== undefined && !fresh);
  return finish(
    {
      ...base(c),
      state: stale ? 'stale' : 'live',
      ...(problem && { message: problem }),
      ...(stale && !problem && { message: `metadata is ${formatAge(age)} old, over ${staleThreshold(meta, o)} s: is the agent running?` }),
      via: fresh ? 'agent' : p.load ? 'proc' : 'none',
      hostname: meta?.hostname ?? p.hostname,
      arch: meta?.arch ?? p.arch,
      cores: meta?.cpu?.cores ?? p.cores,
      load: fresh ? meta!.load : p.load,
      memory: memory(fresh ? meta!.memory : p.memory),
      temperatureC: fresh ? (meta!.temperatureC ?? null) : p.temperatureC,
      labels: meta?.labels ?? {},
      services: Object.keys(meta?.services ?? {}).sort(),
      ...(age !== undefined && { ageSeconds: age }),
      ...(meta && { metadata: meta }),
    },
    o.scorer,
  );
}

/**
 * An inventory's `oasis_metadata` as the node file it stands for: schemaVersion, updatedAt (now)
 * and services filled in when not given, then checked against the node metadata schema.
 * Without `meta` the value is not a mapping at all.
 */
export function inlineMetadata(given: unknown, nowMs = Date.now()): { meta?: NodeMetadata; problems: MetadataProblem[] } {
  if (!given || typeof given !== 'object' || Array.isArray(given)) return { problems: [{ path: [], pointer: '', message: "must be a mapping (the node's meta-data.json)" }] };
  const meta = withInlineDefaults(given, nowMs);
  return { meta, problems: metadataErrors(meta) };
}

/** schemaVersion, updatedAt (now) and services, where an `oasis_metadata` mapping leaves them out. */
function withInlineDefaults(given: object, nowMs: number): NodeMetadata {
  return { schemaVersion: 1, updatedAt: new Date(nowMs).toISOString(), services: {}, ...given } as NodeMetadata;
}

/** What is wrong with an `oasis_metadata` whose inlineMetadata() found problems, after its name. */
export function inlineMetadataFault(r: ReturnType<typeof inlineMetadata>): string {
  if (!r.meta) return r.problems.map((p) => p.message).join('; ');
  return `does not match schemas/node-metadata.schema.json: ${r.problems.map(formatMetadataProblem).join('; ')}`;
}

/** A mock host: `oasis_metadata` is the node's file. Without updatedAt it counts as written now. */
export function evaluateInline(c: Candidate, o: EvaluateOptions, nowMs = Date.now()): NodeStatus {
  // candidatesFrom checked it against the schema, with its position: every round only dates it.
  const meta = withInlineDefaults(c.inline as object, nowMs);
  const age = Math.max(0, Math.round((nowMs - Date.parse(meta.updatedAt)) / 1000));
  const stale = age > staleThreshold(meta, o);
  return finish(
    {
      ...base(c),
      state: stale ? 'stale' : 'live',
      ...(stale && { message: `metadata is ${formatAge(age)} old, over ${staleThreshold(meta, o)} s` }),
      via: 'inline',
      hostname: meta.hostname,
      arch: meta.arch,
      cores: meta.cpu?.cores,
      load: meta.load,
      memory: memory(meta.memory),
      temperatureC: meta.temperatureC ?? null,
      labels: meta.labels ?? {},
      services: Object.keys(meta.services).sort(),
      ageSeconds: age,
      metadata: meta,
    },
    o.scorer,
  );
}
