/** Package names as the apt module takes them: a list, or a string with commas (Ansible's list type). */

export interface PkgSpec {
  /** As given: "nginx", "nginx=1.22.1-9", "libc6:amd64". */
  spec: string;
  /** Without the version: what dpkg-query and apt-cache are asked about. */
  name: string;
  /** Exact version after "=", if any. */
  version?: string;
}

// Debian policy: lowercase letters, digits, + - . (we also allow upper case and an :arch suffix).
const NAME = /^[A-Za-z0-9][A-Za-z0-9+.-]*(?::[A-Za-z0-9-]+)?$/;
const VERSION = /^[A-Za-z0-9.+~:-]+$/;

/** The specs, or a message saying what is wrong with one of them. */
export function parsePkgSpecs(given: string | (string | number)[] | undefined): PkgSpec[] | string {
  if (given === undefined) return [];
  const words = (Array.isArray(given) ? given.map(String) : given.split(',')).map((s) => s.trim()).filter((s) => s !== '');
  const out: PkgSpec[] = [];
  for (const spec of words) {
    if (/[*?[\]!]/.test(spec)) return `package name patterns are not supported: '${spec}'`;
    if (spec.includes('>=') || spec.split('=').length > 2) return `invalid package spec: ${spec} (only name=version is supported)`;
    const [name = '', version] = spec.split('=');
    if (!NAME.test(name)) return `invalid package name: '${name}'`;
    if (version !== undefined && !VERSION.test(version)) return `invalid version in package spec: ${spec}`;
    if (!out.some((p) => p.spec === spec)) out.push(version === undefined ? { spec, name } : { spec, name, version });
  }
  return out;
}
