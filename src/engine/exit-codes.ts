/** The exit codes of run, launch and remove (Ansible's where it has one). */
export const EXIT = { ok: 0, other: 1, failed: 2, unreachable: 4, badOptions: 5, interrupted: 99 } as const;
