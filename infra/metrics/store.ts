import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** A series' identity: the metric and its labels as query fields (`metric.topic`, `resource.kafka.id`, …). */
export interface SeriesKey {
  metric: string;
  labels: Record<string, string>;
}

export interface Sample extends SeriesKey {
  value: number;
}

export interface Series extends SeriesKey {
  id: number;
  /** Sample times (ms since the epoch), ascending, with their values. */
  times: number[];
  values: number[];
}

const segmentMs = 3_600_000;
const segmentName = (start: number): string => `points-${start}.tsv`;
const segmentStart = (name: string): number | undefined => {
  const match = /^points-(\d+)\.tsv$/.exec(name);
  return match ? Number(match[1]) : undefined;
};

/** The stable text of a series key: labels sorted, so the same labels in any order are one series. */
export function seriesKeyText(key: SeriesKey): string {
  const labels = Object.keys(key.labels)
    .sort()
    .map((name) => `${name}=${key.labels[name]}`);
  return `${key.metric}{${labels.join(',')}}`;
}

/**
 * The time-series store under `.hack/data/metrics`: append-only files, so a `kill -9` loses at most the line
 * being written (a torn last line is skipped when read back and closed before the next append).
 * - `series.ndjson`: one line per series, `{"id","metric","labels"}`, written before any point of it;
 * - `points-<hour start ms>.tsv`: one line per sample, `time<TAB>series id<TAB>value`, one file per UTC hour, so
 *   retention drops whole files;
 * - `collector-state.json`: the collector's last cumulative readings (written whole, by rename), so counters
 *   continue their deltas across a restart instead of counting everything again.
 * Everything within retention is also held in memory: queries never read files.
 */
export class MetricStore {
  private readonly series = new Map<number, Series>();
  private readonly ids = new Map<string, number>();
  private nextId = 1;
  private closedSegments = new Set<string>();

  constructor(
    readonly dir: string,
    readonly retentionMs: number,
  ) {
    mkdirSync(dir, { recursive: true });
    this.load();
  }

  private load(): void {
    const seriesFile = join(this.dir, 'series.ndjson');
    if (existsSync(seriesFile)) {
      closeTornLine(seriesFile);
      for (const line of readFileSync(seriesFile, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const parsed = JSON.parse(line) as { id: number; metric: string; labels: Record<string, string> };
          this.register(parsed.id, { metric: parsed.metric, labels: parsed.labels });
        } catch {
          /* a torn line of a killed process: its points never made it either */
        }
      }
    }
    const horizon = Date.now() - this.retentionMs;
    for (const name of readdirSync(this.dir).sort()) {
      const start = segmentStart(name);
      if (start === undefined) continue;
      const file = join(this.dir, name);
      if (start + segmentMs < horizon) {
        rmSync(file, { force: true });
        continue;
      }
      closeTornLine(file);
      const text = readFileSync(file, 'utf8');
      // Scanned by index rather than split into lines and fields: a day at 10 s is millions of lines.
      for (let start = 0; start < text.length;) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        const firstTab = text.indexOf('\t', start);
        const secondTab = firstTab < 0 ? -1 : text.indexOf('\t', firstTab + 1);
        if (secondTab > 0 && secondTab < end) {
          const at = Number(text.slice(start, firstTab));
          const series = this.series.get(Number(text.slice(firstTab + 1, secondTab)));
          if (series && at >= horizon && secondTab + 1 < end) {
            series.times.push(at);
            series.values.push(Number(text.slice(secondTab + 1, end)));
          }
        }
        start = end + 1;
      }
    }
    for (const series of this.series.values()) sortPoints(series);
  }

  private register(id: number, key: SeriesKey): Series {
    const series: Series = { id, metric: key.metric, labels: key.labels, times: [], values: [] };
    this.series.set(id, series);
    this.ids.set(seriesKeyText(key), id);
    this.nextId = Math.max(this.nextId, id + 1);
    return series;
  }

  /** Appends one scrape's samples, all at `time`: new series first, then the points, each file in one write. */
  append(samples: Sample[], time = Date.now()): void {
    if (samples.length === 0) return;
    const newSeries: string[] = [];
    const lines: string[] = [];
    for (const sample of samples) {
      if (!Number.isFinite(sample.value)) continue;
      const key = seriesKeyText(sample);
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.nextId;
        this.register(id, { metric: sample.metric, labels: sample.labels });
        newSeries.push(JSON.stringify({ id, metric: sample.metric, labels: sample.labels }));
      }
      const series = this.series.get(id)!;
      series.times.push(time);
      series.values.push(sample.value);
      lines.push(`${time}\t${id}\t${sample.value}`);
    }
    if (newSeries.length > 0) appendFileSync(join(this.dir, 'series.ndjson'), `${newSeries.join('\n')}\n`);
    const segment = segmentName(Math.floor(time / segmentMs) * segmentMs);
    if (!this.closedSegments.has(segment)) {
      // The first append of this process to a file: end a line a killed predecessor left torn.
      const file = join(this.dir, segment);
      if (existsSync(file)) closeTornLine(file);
      this.closedSegments.add(segment);
    }
    appendFileSync(join(this.dir, segment), `${lines.join('\n')}\n`);
  }

  /** Drops what is older than the retention: whole hour files on disk, points in memory. */
  prune(now = Date.now()): void {
    const horizon = now - this.retentionMs;
    for (const name of readdirSync(this.dir)) {
      const start = segmentStart(name);
      if (start !== undefined && start + segmentMs < horizon) rmSync(join(this.dir, name), { force: true });
    }
    for (const series of this.series.values()) {
      let drop = 0;
      while (drop < series.times.length && series.times[drop]! < horizon) drop++;
      if (drop > 0) {
        series.times.splice(0, drop);
        series.values.splice(0, drop);
      }
    }
  }

  all(): Series[] {
    return [...this.series.values()];
  }

  ofMetric(metric: string): Series[] {
    return this.all().filter((series) => series.metric === metric);
  }

  readState<T>(fallback: T): T {
    try {
      return JSON.parse(readFileSync(join(this.dir, 'collector-state.json'), 'utf8')) as T;
    } catch {
      return fallback;
    }
  }

  writeState(state: unknown): void {
    const file = join(this.dir, 'collector-state.json');
    writeFileSync(`${file}.tmp`, JSON.stringify(state));
    renameSync(`${file}.tmp`, file);
  }

  /** Bytes on disk, for `hack status`-style reporting and the benchmark. */
  sizeOnDisk(): number {
    return readdirSync(this.dir).reduce((total, name) => total + statSync(join(this.dir, name)).size, 0);
  }
}

function sortPoints(series: Series): void {
  if (series.times.every((time, index) => index === 0 || series.times[index - 1]! <= time)) return;
  const order = series.times.map((_, index) => index).sort((a, b) => series.times[a]! - series.times[b]!);
  series.times = order.map((index) => series.times[index]!);
  series.values = order.map((index) => series.values[index]!);
}

/**
 * Cuts a torn last line (a killed writer's half-written sample, which could still parse as a wrong number) back
 * to the last complete line, so the file only ever holds whole lines.
 */
function closeTornLine(file: string): void {
  const size = statSync(file).size;
  if (size === 0) return;
  const fd = openSync(file, 'r');
  try {
    const tailLength = Math.min(size, 65_536);
    const tail = Buffer.alloc(tailLength);
    readSync(fd, tail, 0, tailLength, size - tailLength);
    if (tail[tailLength - 1] === 0x0a) return;
    const lastNewline = tail.lastIndexOf(0x0a);
    truncateSync(file, lastNewline < 0 ? size - tailLength : size - tailLength + lastNewline + 1);
  } finally {
    closeSync(fd);
  }
}
