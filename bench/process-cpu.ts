import { readFileSync } from 'node:fs';

/** User + system CPU seconds of a process so far, all threads (Linux /proc; clock ticks of 10 ms). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // `pid (comm) S …`: the fields follow the last ')' (comm may itself contain parentheses).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
