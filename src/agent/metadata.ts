// The node metadata file (~/meta-data.json): its TypeScript shape and its exact text layout.
// The layout is part of the contract: `services` comes last, opened by the line
// `  "services": {` and one service per line, so the sh registry script (service-script.ts)
// can rewrite that part with `read` and `printf` only.

export const METADATA_SCHEMA_VERSION = 1;

/** Service names double as marker file names and JSON keys: nothing to quote or escape. */
export const SERVICE_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The line that opens the services part; the sh script looks for exactly this. */
export const SERVICES_LINE = '  "services": {';

export interface ServiceEntry {
  installedAt: string;
  [extra: string]: unknown;
}

export interface LoadAverages {
  load1: number;
  load5: number;
  load15: number;
}

export interface NodeMetadata {
  schemaVersion: 1;
  updatedAt: string;
  /** Present when an agent wrote the file; the registry script alone writes only the required fields. */
  agent?: { version: string; pid: number; intervalSeconds?: number };
  hostname?: string;
  addresses?: string[];
  os?: { platform: string; distro?: string; release?: string; kernel?: string };
  arch?: string;
  cpu?: { cores: number; model?: string; usagePercent?: number | null };
  load?: LoadAverages;
  memory?: { totalBytes: number; availableBytes: number };
  disks?: { mount: string; fs?: string; type?: string; sizeBytes: number; usedBytes: number }[];
  temperatureC?: number | null;
  labels?: Record<string, string>;
  services: Record<string, ServiceEntry>;
}

/** Pretty JSON with `services` last, one compact entry per line (the sh-editable layout). */
export function serializeMetadata(meta: NodeMetadata): string {
  const { services, ...rest } = meta;
  const head = JSON.stringify(rest, null, 2); // "{\n  ...\n}"
  const names = Object.keys(services).sort();
  for (const n of names) if (!SERVICE_NAME_RE.test(n)) throw new Error(`service name '${n}' is not allowed (letters, digits, _ . -)`);
  const entries = names.map((n) => `    ${JSON.stringify(n)}: ${JSON.stringify(services[n])}`);
  const body = entries.length ? `${entries.join(',\n')}\n` : '';
  const open = head === '{}' ? '{\n' : `${head.slice(0, -2)},\n`;
  return `${open}${SERVICES_LINE}\n${body}  }\n}\n`;
}
