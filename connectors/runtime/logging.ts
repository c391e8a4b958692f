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

  /** A logger's level: its own if set, else its nearest set ancestor's (`a.b.C` → `a.b` → `a`), else root's. */
  levelOf(logger: string): LogLevel {
    for (
      let name = logger;
      name !== '';
      name = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : ''
    ) {
      const set = this.levels.get(name);
      if (set) return set.level;
    }
    return this.levels.get('root')?.level ?? 'INFO';
  }

  /**
   * A line starting with a level word (`ERROR …`, `WARN …`) is filtered by it (others count as INFO), against
   * the level of the logger it is written under.
   */
  log(line: string, logger = 'root'): void {
    const level = (/^(FATAL|ERROR|WARN|INFO|DEBUG|TRACE)\b/.exec(line)?.[1] ?? 'INFO') as LogLevel;
    const threshold = this.levelOf(logger);
    if (threshold !== 'OFF' && logLevels.indexOf(level) <= logLevels.indexOf(threshold))
      this.write(`[${new Date().toISOString()}] ${line}`);
  }
}
