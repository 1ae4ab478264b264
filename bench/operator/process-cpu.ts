import { readdirSync, readFileSync } from 'node:fs';

/** Returns the CPU time (user plus system) a process has used, in seconds, assuming 100 clock ticks per second. */
export function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Returns the CPU seconds used so far by the processes whose command line names folder, except
 * exceptPid. The control plane's processes all name their run folder, so this sums etcd and
 * kube-apiserver.
 */
export function cpuSecondsNaming(folder: string, exceptPid?: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === exceptPid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(folder)) total += processCpuSeconds(Number(entry));
    } catch {
      // The process ended while /proc was read.
    }
  }
  return total;
}
