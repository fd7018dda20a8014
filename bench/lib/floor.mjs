// The floor: the benchmark playbook's changes as ONE hand-written POSIX sh script per node,
// checking state first like the playbook does, so the same script is the first run and the
// idempotent re-run. No engine, no modules: what any tool must at least spend.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLAYBOOK_DIR, PLAYBOOK_VARS } from './playbook-vars.mjs';

/** POSIX single quotes. */
export const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** `{{ name }}` only, as the benchmark templates use. */
export function renderSimple(text, vars) {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => {
    if (!(k in vars)) throw new Error(`floor: undefined variable ${k}`);
    return String(vars[k]);
  });
}

// d DIR MODE, f FILE MODE CONTENT, l LINK TARGET, x PATH (absent), once MARKER CMD...
// Each helper checks first and counts what it changed in $c.
const HELPERS = `c=0
d() { [ -d "$1" ] || { mkdir -- "$1" || exit 1; c=$((c+1)); }
  [ "$(stat -c %a -- "$1")" = "$2" ] || { chmod "$2" "$1" || exit 1; c=$((c+1)); }; }
f() { if ! printf %s "$3" | cmp -s - "$1"; then
    printf %s "$3" > "$1.floor$$" && chmod "$2" "$1.floor$$" && mv -f -- "$1.floor$$" "$1" || exit 1; c=$((c+1))
  elif [ "$(stat -c %a -- "$1")" != "$2" ]; then chmod "$2" "$1" || exit 1; c=$((c+1)); fi; }
l() { [ "$(readlink -- "$1")" = "$2" ] || { ln -sfn -- "$2" "$1" || exit 1; c=$((c+1)); }; }
x() { if [ -e "$1" ] || [ -L "$1" ]; then rm -rf -- "$1" || exit 1; c=$((c+1)); fi; }
once() { m=$1; shift; [ -e "$m" ] || { "$@" || exit 1; c=$((c+1)); }; }`;

/** The script for one node (its inventory name goes into the rendered files); tests move app_dir. */
export function floorScript(host, vars = PLAYBOOK_VARS) {
  const v = { ...vars, inventory_hostname: host };
  const a = v.app_dir;
  const file = (p) => readFileSync(join(PLAYBOOK_DIR, p), 'utf8');
  const steps = [
    `d ${q(a)} 755`,
    `d ${q(`${a}/conf.d`)} 750`,
    `d ${q(`${a}/data`)} 755`,
    `f ${q(`${a}/app.conf`)} 644 ${q(`name=${v.app_name}\nhost=${host}\n`)}`,
    `f ${q(`${a}/motd.txt`)} 640 ${q(file('files/motd.txt'))}`,
    `f ${q(`${a}/data/words.txt`)} 644 ${q(file('files/words.txt'))}`,
    `f ${q(`${a}/index.html`)} 644 ${q(renderSimple(file('templates/index.html.j2'), v))}`,
    `f ${q(`${a}/conf.d/app.ini`)} 600 ${q(renderSimple(file('templates/app.ini.j2'), v))}`,
    // The three lineinfile tasks, as the file they leave behind.
    `f ${q(`${a}/settings.conf`)} 644 ${q(`# managed by the benchmark\nport=${v.app_port}\nworkers=4\n`)}`,
    ...v.flavours.map((x) => `d ${q(`${a}/data/${x}`)} 755`),
    ...v.flavours.map((x) => `f ${q(`${a}/data/${x}/name.txt`)} 644 ${q(`flavour=${x}\n`)}`),
    `l ${q(`${a}/current.conf`)} ${q(`${a}/app.conf`)}`,
    `once ${q(`${a}/initialised`)} touch ${q(`${a}/initialised`)}`,
    `once ${q(`${a}/data/build.txt`)} cp ${q(`${a}/app.conf`)} ${q(`${a}/data/build.txt`)}`,
    `x ${q(`${a}/tmp-junk`)}`,
    `x ${q(`${a}/old.conf`)}`,
  ];
  return `umask 022\n${HELPERS}\n${steps.join('\n')}\necho "changed=$c"\n`;
}
