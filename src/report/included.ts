import type { RunEvent } from '../model/events.js';

type Included = Extract<RunEvent, { type: 'included' }>;

/** Ansible's line for an included file: `included: FILE for h1, h2 => (item=x)`. */
export function includedLine(file: string, hosts: string[], item?: string): string {
  return `included: ${file} for ${hosts.join(', ')}${item !== undefined ? ` => (item=${item})` : ''}`;
}

/** Gathers `included` events into Ansible's `included: FILE for h1, h2 => (item=x)` lines. */
export class IncludedLines {
  private readonly pending = new Map<string, { file: string; item?: string; hosts: string[] }>();

  add(e: Included): void {
    const key = `${e.file}\0${e.item ?? ''}`;
    const entry = this.pending.get(key);
    if (entry) entry.hosts.push(e.host);
    else this.pending.set(key, { file: e.file, item: e.item, hosts: [e.host] });
  }

  /** The lines gathered so far, emptied. */
  flush(): string[] {
    const lines = [...this.pending.values()].map((p) => includedLine(p.file, p.hosts, p.item));
    this.pending.clear();
    return lines;
  }
}
