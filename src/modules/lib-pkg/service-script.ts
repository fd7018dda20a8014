import { lines, raw, sh, type Shell } from '../../shell/sh.js';
import { FRAME_END, framePreamble } from './frame.js';

export type ServiceState = 'started' | 'stopped' | 'restarted' | 'reloaded';

export interface ServiceRequest {
  name: string;
  state?: ServiceState;
  enabled?: boolean;
  check: boolean;
}

/**
 * Each init system defines the same four functions, so one decision part serves both:
 *   __o_running    0 running, 1 stopped, 2 no such service, 3 cannot tell
 *   __o_enabled    0 when it starts at boot
 *   __o_act A      start|stop|restart|reload, output captured as "act"
 *   __o_setenabled yes|no
 */
const SYSTEMD = raw(`__o_show=$(systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState -- "$__o_n" 2>&1) || { __o_rec showfailed "$?"; printf '%s' "$__o_show"; __o_rec end; exit 0; }
__o_rec status; printf '%s' "$__o_show"
__o_prop() { printf '%s\\n' "$__o_show" | sed -n "s/^$1=//p"; }
__o_ls=$(__o_prop LoadState); __o_as=$(__o_prop ActiveState)
__o_running() {
  if [ "$__o_ls" = not-found ]; then return 2; fi
  case $__o_as in active|activating|reloading) return 0;; *) return 1;; esac
}
__o_enabled() { systemctl is-enabled -- "$__o_n" >/dev/null 2>&1; }
__o_act() { __o_cap act systemctl "$1" -- "$__o_n"; }
__o_setenabled() { if [ "$1" = yes ]; then __o_cap enable systemctl enable -- "$__o_n"; else __o_cap enable systemctl disable -- "$__o_n"; fi; }`);

/** SysV: the init script's own status (LSB exit codes, as Ansible reads them) and update-rc.d links. */
const SYSV = raw(`__o_script=
for __o_x in "/etc/init.d/$__o_n" "/etc/rc.d/init.d/$__o_n"; do
  if [ -f "$__o_x" ] && [ -x "$__o_x" ]; then __o_script=$__o_x; break; fi
done
__o_links() { for __o_x in /etc/rc[0-6S].d/$1[0-9][0-9]"$__o_n"; do if [ -e "$__o_x" ] || [ -L "$__o_x" ]; then return 0; fi; done; return 1; }
__o_running() {
  if [ -z "$__o_script" ]; then return 2; fi
  __o_cap status "$__o_script" status
  case $? in 0) return 0;; 1|2|3|4|69) return 1;; *) return 3;; esac
}
__o_enabled() { __o_links S; }
__o_act() { __o_cap act "$__o_script" "$1"; }
__o_setenabled() {
  if ! command -v update-rc.d >/dev/null 2>&1; then __o_rec noenabler; return 1; fi
  if [ "$1" = no ]; then __o_cap enable update-rc.d "$__o_n" disable; return; fi
  # No links at all yet: create them from the script's LSB header first.
  if ! __o_links K; then __o_cap defaults update-rc.d "$__o_n" defaults || return 1; fi
  __o_cap enable update-rc.d "$__o_n" enable
}`);

/** Enablement first, then the state (Ansible's order). In check mode the changes are only reported. */
const DECIDE = raw(`__o_running; __o_r=$?
if [ "$__o_r" = 2 ]; then __o_rec missing; __o_rec end; exit 0; fi
__o_rec running "$__o_r"
if [ -n "$__o_enable" ]; then
  if __o_enabled; then __o_was=yes; else __o_was=no; fi
  __o_rec enabled "$__o_was"
  if [ "$__o_was" != "$__o_enable" ]; then
    __o_rec change "$([ "$__o_enable" = yes ] && echo enable || echo disable)"
    if [ "$__o_check" = 0 ] && ! __o_setenabled "$__o_enable"; then __o_rec end; exit 0; fi
  fi
fi
if [ -n "$__o_state" ] && [ "$__o_r" = 3 ]; then __o_rec unknown; __o_rec end; exit 0; fi
__o_do=
case $__o_state in
  started) if [ "$__o_r" != 0 ]; then __o_do=start; fi;;
  stopped) if [ "$__o_r" = 0 ]; then __o_do=stop; fi;;
  # restarted/reloaded always act; a stopped service is started instead.
  restarted|reloaded) if [ "$__o_r" = 0 ]; then __o_do=\${__o_state%ed}; else __o_do=start; fi;;
esac
if [ -n "$__o_do" ]; then
  __o_rec change "$__o_do"
  if [ "$__o_check" = 0 ]; then __o_act "$__o_do"; fi
fi`);

export function serviceScript(req: ServiceRequest, marker: string): Shell {
  const enable = req.enabled === undefined ? '' : req.enabled ? 'yes' : 'no';
  return lines(
    framePreamble(marker),
    raw('export PATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin" LC_ALL=C'),
    sh`__o_n=${req.name}; __o_state=${req.state ?? ''}; __o_enable=${enable}; __o_check=${req.check ? 1 : 0}`,
    // systemd is the init system only when it booted the machine (sd_booted's test).
    raw('if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then'),
    raw('__o_rec init systemd'),
    SYSTEMD,
    raw('else'),
    raw('__o_rec init sysv'),
    SYSV,
    raw('fi'),
    DECIDE,
    FRAME_END,
  );
}
