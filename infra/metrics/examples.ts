/**
 * The request bodies the Metrics API reference (its OpenAPI spec, v2) shows, verbatim: tests run them unchanged
 * against our API, and `hack metrics query --example NAME` sends them.
 */
export const documentedExamples = {
  /** `POST /v2/metrics/{dataset}/query`, request example `query`. */
  query: {
    group_by: ['metric.topic'],
    aggregations: [{ metric: 'io.confluent.kafka.server/sent_bytes', agg: 'SUM' }],
    filter: {
      op: 'AND',
      filters: [
        { field: 'resource.kafka.id', op: 'EQ', value: 'lkc-1234' },
        { op: 'NOT', filter: { field: 'metric.topic', op: 'EQ', value: 'topicA' } },
      ],
    },
    order_by: [{ metric: 'io.confluent.kafka.server/sent_bytes', agg: 'SUM', order: 'DESCENDING' }],
    granularity: 'PT1H',
    intervals: ['2019-10-17T20:17:00.000Z/PT2H'],
    limit: 5,
  },
  /** The migration guide's "Version 2 Request". */
  migration: {
    group_by: ['metric.topic'],
    aggregations: [{ metric: 'io.confluent.kafka.server/received_bytes', agg: 'SUM' }],
    filter: { field: 'resource.kafka.id', op: 'EQ', value: 'lkc-00000' },
    granularity: 'ALL',
    intervals: ['2020-01-01T00:00:00Z/PT1H'],
  },
  /** `POST /v2/metrics/{dataset}/attributes`, request example. */
  attributes: {
    metric: 'io.confluent.kafka.server/sent_bytes',
    group_by: ['metric.topic'],
    filter: { field: 'resource.kafka.id', op: 'EQ', value: 'lkc-09d19' },
    limit: 3,
    intervals: ['2019-10-16T16:30:20Z/2019-10-24T18:57:00Z'],
  },
} as const;
