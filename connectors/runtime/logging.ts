/**
 * The worker's log: lines with a level and a logger name, filtered by the levels `/admin/loggers` sets (KIP-495).
 * Apache has a logger per class; ours are per area (`org.apache.kafka.connect.runtime.WorkerSinkTask`-style names
 * are accepted and kept, so a participant's PUT answers as on a real worker).
 */
export const logLevels = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'ALL'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerLevel {
  level: LogLevel;
  last_modified: number | null;
}

export class WorkerLog {
  private readonly levels = new Map<string, LoggerLevel>([['root', { level: 'INFO', last_modified: null }]]);

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  all(): Record<string, LoggerLevel> {
    return Object.fromEntries([...this.levels].sort(([a], [b]) => a.localeCompare(b)));
  }

  get(name: string): LoggerLevel | undefined {
    return this.levels.get(name);
  }

  /** Sets a logger and its known descendants; returns the affected names, as Apache's worker scope does. */
  set(name: string, level: LogLevel): string[] {
    const now = Date.now();
    const affected = [...this.levels.keys()].filter(
      (logger) => name === 'root' || logger === name || logger.startsWith(`${name}.`),
    );
    if (!affected.includes(name)) affected.push(name);
    for (const logger of affected) this.levels.set(logger, { level, last_modified: now });
    return affected.sort();
  }

  private enabled(level: LogLevel): boolean {
    const root = this.levels.get('root')?.level ?? 'INFO';
    return logLevels.indexOf(level) <= logLevels.indexOf(root) && root !== 'OFF';
  }

  /** A line starting with a level word (`ERROR …`, `WARN …`) is filtered by it; others count as INFO. */
  log(line: string): void {
    const level = (/^(FATAL|ERROR|WARN|INFO|DEBUG|TRACE)\b/.exec(line)?.[1] ?? 'INFO') as LogLevel;
    if (this.enabled(level)) this.write(`[${new Date().toISOString()}] ${line}`);
  }
}
