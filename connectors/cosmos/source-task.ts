import type {
  ChangeFeedPullModelIterator,
  ChangeFeedStartFrom as StartFrom,
  CosmosClient,
} from '@azure/cosmos';
import { ChangeFeedStartFrom } from '@azure/cosmos';
import { ConfigReader, type ParsedConfig, parseValidConfig } from '../runtime/api/config.ts';
import { ConnectException } from '../runtime/api/errors.ts';
import type { Props, SourceTask, SourceTaskContext } from '../runtime/api/plugins.ts';
import type { SourceOffsetMap, SourceRecord } from '../runtime/api/records.ts';
import { cosmosClientFor, isTransientError } from './client.ts';
import { jsonToConnect } from '../runtime/data/connect-json.ts';
import { ancestorRanges, feedRangeFor, retargetContinuation } from './feed-ranges.ts';
import { keys, sourceSpec } from './spec.ts';

/** The task-config key the connector uses to hand each task its feed ranges (JSON of `Assignment[]`). */
export const assignmentsKey = 'azure.cosmos.source.task.assignments';

/** One unit of work: a feed range of a container, and the topic its changes go to. */
export interface Assignment {
  container: string;
  containerRid: string;
  topic: string;
  min: string;
  max: string;
}

/** Source partition of an assignment, as the official connector keys it: database, container `_rid`, feed range. */
export function sourcePartition(database: string, assignment: Assignment): SourceOffsetMap {
  return {
    database,
    containerRid: assignment.containerRid,
    feedRange: JSON.stringify({ min: assignment.min, max: assignment.max }),
  };
}

/** `Beginning` / `Now` / an ISO instant, or the v1 `offset.useLatest` which overrides it. */
export function startFromOf(
  config: ParsedConfig,
): { kind: 'Beginning' | 'Now' } | { kind: 'Time'; at: Date } {
  const useLatest = config.values[keys.v1UseLatest];
  if (typeof useLatest === 'boolean') return { kind: useLatest ? 'Now' : 'Beginning' };
  const value = String(config.values[keys.startFrom] ?? 'Beginning');
  if (/^beginning$/i.test(value)) return { kind: 'Beginning' };
  if (/^now$/i.test(value)) return { kind: 'Now' };
  return { kind: 'Time', at: new Date(value) };
}

interface Reader {
  assignment: Assignment;
  partition: SourceOffsetMap;
  iterator: ChangeFeedPullModelIterator<Record<string, unknown>>;
  /** The continuation before the page being emitted: what a restart resumes from if the page is half sent. */
  continuation: string | null;
  /**
   * The next page, asked for as soon as a page with changes was handed over: the feed is read while the worker
   * produces that page to Kafka. Nothing of it is emitted (or its continuation kept) until the next poll takes it.
   */
  prefetch?: Promise<PageRead>;
}

type PageRead =
  | { response: Awaited<ReturnType<ChangeFeedPullModelIterator<Record<string, unknown>>['readNext']>> }
  | { error: unknown };

/**
 * `CosmosSourceTask`: reads the change feed of its assigned feed ranges with the SDK's pull model. Each record's
 * offset is a continuation token; only the last record of a page carries the token *after* the page, the others
 * the one before it, so a restart replays at most a page and never skips a change (at-least-once).
 */
export class CosmosSourceTask implements SourceTask {
  private context: SourceTaskContext | undefined;
  private client: CosmosClient | undefined;
  private readers: Reader[] = [];
  private next = 0;
  private idleMs = 0;
  private maxIdleMs = 1000;
  private database = '';
  private messageKey: string | undefined;
  private readonly wake = new AbortController();

  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  async start(props: Props): Promise<void> {
    const config = parseValidConfig(sourceSpec, props);
    const read = new ConfigReader(config);
    if (read.string(keys.changeFeedMode) === 'AllVersionsAndDeletes') {
      throw new ConnectException(
        'changeFeed.mode=AllVersionsAndDeletes is not supported by this implementation',
        {
          fix: `Use ${keys.changeFeedMode}=LatestVersion (the default).`,
        },
      );
    }
    this.database = read.string(keys.sourceDatabase);
    this.messageKey = read.boolean(keys.messageKeyEnabled) ? read.string(keys.messageKeyField) : undefined;
    this.maxIdleMs = read.int(keys.v1PollInterval);
    this.client = cosmosClientFor(config, 'connect-hack-cosmos-source');
    const assignments = JSON.parse(props[assignmentsKey] ?? '[]') as Assignment[];
    const start = startFromOf(config);
    const maxItemCount = read.int(keys.maxItemCountHint);
    const offsets = this.context?.offsetStorageReader();
    this.readers = [];
    for (const assignment of assignments) {
      const container = this.client.database(this.database).container(assignment.container);
      const partition = sourcePartition(this.database, assignment);
      const storedAt = (p: SourceOffsetMap): string | null => {
        const stored = offsets?.offset(p)?.continuationState;
        return typeof stored === 'string' && stored !== '' ? stored : null;
      };
      let continuation = storedAt(partition);
      if (!continuation && offsets) {
        // A range born of a split continues where its parent (or grandparent…) stopped.
        for (const ancestor of await ancestorRanges(container, assignment.min, assignment.max)) {
          const inherited = storedAt(sourcePartition(this.database, { ...assignment, ...ancestor }));
          continuation =
            inherited && (retargetContinuation(inherited, assignment.min, assignment.max) ?? null);
          if (continuation) break;
        }
      }
      let startFrom: StartFrom;
      if (continuation) startFrom = ChangeFeedStartFrom.Continuation(continuation);
      else {
        const range = feedRangeFor(await container.getFeedRanges(), assignment.min, assignment.max);
        if (start.kind === 'Time') startFrom = ChangeFeedStartFrom.Time(start.at, range);
        else if (start.kind === 'Now') startFrom = ChangeFeedStartFrom.Now(range);
        else startFrom = ChangeFeedStartFrom.Beginning(range);
      }
      const iterator = container.items.getChangeFeedIterator<Record<string, unknown>>({
        maxItemCount,
        changeFeedStartFrom: startFrom,
      });
      this.readers.push({ assignment, partition, iterator, continuation });
    }
  }

  async poll(): Promise<SourceRecord[] | null> {
    const records: SourceRecord[] = [];
    for (let visited = 0; visited < this.readers.length && records.length === 0; visited++) {
      const reader = this.readers[this.next]!;
      this.next = (this.next + 1) % this.readers.length;
      records.push(...(await this.readPage(reader)));
    }
    if (records.length > 0) {
      this.idleMs = 0;
      return records;
    }
    // Nothing changed anywhere: back off a little (the service answers 304 cheaply, but not for free).
    this.idleMs = Math.min(Math.max(this.idleMs * 2, 50), this.maxIdleMs);
    await abortableSleep(this.idleMs, this.wake.signal);
    return [];
  }

  stop(): void {
    this.wake.abort();
    this.client?.dispose();
    this.client = undefined;
    this.readers = [];
  }

  private async readPage(reader: Reader): Promise<SourceRecord[]> {
    const read = await (reader.prefetch ?? nextPage(reader));
    reader.prefetch = undefined;
    if ('error' in read) {
      const { error } = read;
      if (isTransientError(error)) return [];
      throw new ConnectException(
        `Reading the change feed of ${this.database}/${reader.assignment.container} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const { response } = read;
    const items = response.statusCode === 304 ? [] : (response.result ?? []);
    const after = response.continuationToken ?? reader.continuation;
    if (items.length === 0) return [];
    const before = reader.continuation;
    reader.continuation = after;
    // A page with changes suggests more: read on while this one is produced (a stop drops the read unseen).
    if (this.readers.includes(reader)) reader.prefetch = nextPage(reader);
    return pageRecords(items, {
      topic: reader.assignment.topic,
      partition: reader.partition,
      messageKey: this.messageKey,
      before,
      after,
    });
  }
}

/**
 * The records of one change-feed page. Only the last carries the continuation *after* the page; the others carry
 * the one before it, so offsets committed for part of a page make a restart read the page again (at-least-once)
 * rather than skip its unsent rest.
 */
export function pageRecords(
  items: Array<Record<string, unknown>>,
  page: {
    topic: string;
    partition: SourceOffsetMap;
    messageKey: string | undefined;
    before: string | null;
    after: string | null;
  },
): SourceRecord[] {
  return items.map((item, index) => {
    const keyValue = page.messageKey === undefined ? undefined : item[page.messageKey];
    return {
      kind: 'source',
      topic: page.topic,
      kafkaPartition: null,
      keySchema: null,
      key:
        keyValue === undefined || keyValue === null
          ? null
          : typeof keyValue === 'object'
            ? JSON.stringify(keyValue)
            : String(keyValue as string | number | boolean),
      valueSchema: null,
      value: jsonToConnect(item),
      timestamp: typeof item._ts === 'number' ? item._ts * 1000 : Date.now(),
      headers: [],
      sourcePartition: page.partition,
      sourceOffset: {
        continuationState: index === items.length - 1 ? page.after : page.before,
        itemLsn: typeof item._lsn === 'number' ? item._lsn : null,
      },
    } satisfies SourceRecord;
  });
}

/** The reader's next page; a failure is returned, not thrown, so a prefetch nobody takes is no unhandled rejection. */
function nextPage(reader: Reader): Promise<PageRead> {
  return reader.iterator.readNext().then(
    (response) => ({ response }),
    (error: unknown) => ({ error }),
  );
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
