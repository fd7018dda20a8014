/** What the playbook loader needs to know about modules, without importing any of them. */
export interface ModuleInfo {
  name: string;
  /** Parameter that takes free-form text (`command: ls -l` → cmd). */
  freeForm?: string;
  params: Set<string>;
  /** False when any parameter name is accepted (set_fact). */
  closedParams: boolean;
}

export interface ModuleCatalog {
  lookup(name: string): ModuleInfo | undefined;
  names(): string[];
}

/** `ansible.builtin.copy` and `ansible.legacy.copy` are `copy` here. */
export function canonicalModuleName(name: string): string {
  return name.replace(/^ansible\.(?:builtin|legacy)\./, '');
}
