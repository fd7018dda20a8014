// What processes a tool keeps between runs (oasis-play's keeper, ssh ControlPersist masters) add
// to the memory of the run they serve. Summing RSS would count twice the pages of a program's
// file (its code) that the run has resident too: a keeper is the same /usr/bin/node as the run,
// and ~45 of its ~70 MB resident are those shared pages. So: each process's anonymous pages, plus
// the physical frames of its file mappings that neither the run nor another kept process has
// already (from /proc/PID/pagemap, which gives frame numbers to root only).
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

const PAGE_KB = 4;

/** Physical frames resident in the process's file-backed mappings (empty when it is gone or unreadable). */
export function fileFrames(pid) {
  const frames = new Set();
  let maps;
  let fd;
  try {
    maps = readFileSync(`/proc/${pid}/maps`, 'utf8').trim().split('\n');
    fd = openSync(`/proc/${pid}/pagemap`, 'r');
  } catch {
    return frames;
  }
  try {
    for (const line of maps) {
      const [range, , , , inode, path] = line.trim().split(/\s+/);
      if (inode === '0' || !path?.startsWith('/')) continue;
      const [start, end] = range.split('-').map((x) => parseInt(x, 16));
      const pages = (end - start) / 4096;
      const buf = Buffer.alloc(pages * 8);
      readSync(fd, buf, 0, buf.length, (start / 4096) * 8);
      for (let i = 0; i < pages; i++) {
        const hi = buf.readUInt32LE(i * 8 + 4);
        if (!(hi & 0x80000000)) continue; // bit 63: present
        const frame = (hi & 0x7fffff) * 2 ** 32 + buf.readUInt32LE(i * 8); // bits 0-54
        // Without CAP_SYS_ADMIN the kernel shows every frame as 0: all pages would look shared.
        if (frame === 0) throw new Error('reading frame numbers from /proc/PID/pagemap needs root');
        frames.add(frame);
      }
    }
  } catch (e) {
    if (e.message.includes('needs root')) throw e;
    /* exited meanwhile */
  } finally {
    closeSync(fd);
  }
  return frames;
}

function rollup(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    const peak = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { rss: kb('Rss'), anon: kb('Anonymous'), peak };
  } catch {
    return undefined;
  }
}

/**
 * The memory of the processes `kept`, beside a run whose file frames were `runFrames`, in KiB:
 * rssKb, their peak RSS summed; extraKb, what they add to the run: their anonymous pages, their
 * file frames not among the run's (nor counted for another of them), and what each has given
 * back since its peak (counted as if it had all been its own).
 */
export function keptMemory(kept, runFrames) {
  const seen = new Set(runFrames);
  let rssKb = 0;
  let extraKb = 0;
  for (const pid of kept) {
    const r = rollup(pid);
    if (!r) continue;
    let fresh = 0;
    for (const f of fileFrames(pid)) {
      if (seen.has(f)) continue;
      seen.add(f);
      fresh++;
    }
    rssKb += r.peak;
    extraKb += r.anon + fresh * PAGE_KB + Math.max(0, r.peak - r.rss);
  }
  return { rssKb, extraKb };
}

/** The run's process (GNU time's child) sampled now and then: the file frames it has had resident. */
export function sampleRunFrames(timePid) {
  const frames = new Set();
  const sample = () => {
    try {
      const child = readFileSync(`/proc/${timePid}/task/${timePid}/children`, 'utf8').trim().split(/\s+/)[0];
      if (child) for (const f of fileFrames(Number(child))) frames.add(f);
    } catch {
      /* not started yet, or gone */
    }
  };
  // Often at first (a warm run lasts under a second), then every half second.
  const early = [100, 300].map((ms) => setTimeout(sample, ms));
  const every = setInterval(sample, 500);
  return {
    frames,
    stop() {
      early.forEach(clearTimeout);
      clearInterval(every);
    },
  };
}
