/**
 * The reference's task, error and worker metrics (JMX domain `kafka.connect` in Apache), served at `GET /metrics`
 * in Prometheus text format. The endpoint is our extension — Apache exposes JMX only — but the metric and label
 * names follow the MBeans (`kafka_connect_<type>_<attribute>{connector,task}`), so dashboards map one to one.
 */
export interface TaskMetrics {
  connector: string;
  task: number;
  kind: 'source' | 'sink';
  status: string;
  batchSizeMax: number;
  batchSizeTotal: number;
  batches: number;
  offsetCommitSuccess: number;
  offsetCommitFailure: number;
  offsetCommitMaxTimeMs: number;
  offsetCommitTotalTimeMs: number;
  sourceRecordPollTotal: number;
  sourceRecordWriteTotal: number;
  sinkRecordReadTotal: number;
  sinkRecordSendTotal: number;
  putBatchMaxTimeMs: number;
  putBatchTotalTimeMs: number;
  partitionCount: number;
  errors: {
    totalRecordFailures: number;
    totalRecordErrors: number;
    totalRecordsSkipped: number;
    totalRetries: number;
    totalErrorsLogged: number;
    dlqProduceRequests: number;
    dlqProduceFailures: number;
    lastErrorTimestamp: number;
  };
}

export function newTaskMetrics(connector: string, task: number, kind: 'source' | 'sink'): TaskMetrics {
  return {
    connector,
    task,
    kind,
    status: 'unassigned',
    batchSizeMax: 0,
    batchSizeTotal: 0,
    batches: 0,
    offsetCommitSuccess: 0,
    offsetCommitFailure: 0,
    offsetCommitMaxTimeMs: 0,
    offsetCommitTotalTimeMs: 0,
    sourceRecordPollTotal: 0,
    sourceRecordWriteTotal: 0,
    sinkRecordReadTotal: 0,
    sinkRecordSendTotal: 0,
    putBatchMaxTimeMs: 0,
    putBatchTotalTimeMs: 0,
    partitionCount: 0,
    errors: {
      totalRecordFailures: 0,
      totalRecordErrors: 0,
      totalRecordsSkipped: 0,
      totalRetries: 0,
      totalErrorsLogged: 0,
      dlqProduceRequests: 0,
      dlqProduceFailures: 0,
      lastErrorTimestamp: 0,
    },
  };
}

export function recordCommit(metrics: TaskMetrics, ok: boolean, elapsedMs: number): void {
  if (ok) metrics.offsetCommitSuccess++;
  else metrics.offsetCommitFailure++;
  metrics.offsetCommitMaxTimeMs = Math.max(metrics.offsetCommitMaxTimeMs, elapsedMs);
  metrics.offsetCommitTotalTimeMs += elapsedMs;
}

export function recordBatch(metrics: TaskMetrics, size: number): void {
  metrics.batches++;
  metrics.batchSizeTotal += size;
  metrics.batchSizeMax = Math.max(metrics.batchSizeMax, size);
}

export interface WorkerMetrics {
  connectorStartupAttempts: number;
  connectorStartupSuccess: number;
  connectorStartupFailure: number;
  taskStartupAttempts: number;
  taskStartupSuccess: number;
  taskStartupFailure: number;
}

export function newWorkerMetrics(): WorkerMetrics {
  return {
    connectorStartupAttempts: 0,
    connectorStartupSuccess: 0,
    connectorStartupFailure: 0,
    taskStartupAttempts: 0,
    taskStartupSuccess: 0,
    taskStartupFailure: 0,
  };
}

export interface MetricsSnapshot {
  worker: WorkerMetrics;
  connectors: Array<{ name: string; type: string; className: string; version: string; status: string }>;
  tasks: TaskMetrics[];
}

const percentage = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/** The families that only ever grow (Prometheus `counter`); every other family is a `gauge`. */
const counters = new Set([
  'connect_worker_metrics_connector_startup_attempts_total',
  'connect_worker_metrics_connector_startup_success_total',
  'connect_worker_metrics_connector_startup_failure_total',
  'connect_worker_metrics_task_startup_attempts_total',
  'connect_worker_metrics_task_startup_success_total',
  'connect_worker_metrics_task_startup_failure_total',
  'connect_worker_rebalance_metrics_completed_rebalances_total',
  'sink_task_metrics_offset_commit_completion_total',
  'sink_task_metrics_sink_record_read_total',
  'sink_task_metrics_sink_record_send_total',
  'source_task_metrics_source_record_poll_total',
  'source_task_metrics_source_record_write_total',
  'task_error_metrics_deadletterqueue_produce_failures',
  'task_error_metrics_deadletterqueue_produce_requests',
  'task_error_metrics_total_errors_logged',
  'task_error_metrics_total_record_errors',
  'task_error_metrics_total_record_failures',
  'task_error_metrics_total_records_skipped',
  'task_error_metrics_total_retries',
]);

type Add = (name: string, help: string, labels: Record<string, string | number>, value: number) => void;

/** Prometheus text exposition (version 0.0.4): families in the order first added, each with HELP and TYPE. */
export function renderPrometheus(snapshot: MetricsSnapshot): string {
  const families = new Map<string, string[]>();
  const add: Add = (name, help, labels, value) => {
    const metric = `kafka_connect_${name.replace(/[-.]/g, '_')}`;
    if (!families.has(metric)) {
      const type = counters.has(name) ? 'counter' : 'gauge';
      families.set(metric, [`# HELP ${metric} ${help}`, `# TYPE ${metric} ${type}`]);
    }
    const labelText = Object.entries(labels)
      .map(
        ([key, labelValue]) => `${key}="${String(labelValue).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
      )
      .join(',');
    families
      .get(metric)!
      .push(`${metric}${labelText ? `{${labelText}}` : ''} ${Number.isFinite(value) ? value : 0}`);
  };
  addWorkerMetrics(add, snapshot);
  addConnectorMetrics(add, snapshot);
  for (const task of snapshot.tasks) addTaskMetrics(add, task);
  return `${[...families.values()].flat().join('\n')}\n`;
}

function addWorkerMetrics(add: Add, snapshot: MetricsSnapshot): void {
  const { worker } = snapshot;
  add(
    'connect_worker_metrics_connector_count',
    'The number of connectors run in this worker.',
    {},
    snapshot.connectors.length,
  );
  add(
    'connect_worker_metrics_task_count',
    'The number of tasks run in this worker.',
    {},
    snapshot.tasks.length,
  );
  add(
    'connect_worker_metrics_connector_startup_attempts_total',
    'The total number of connector startups that this worker has attempted.',
    {},
    worker.connectorStartupAttempts,
  );
  add(
    'connect_worker_metrics_connector_startup_success_total',
    'The total number of connector starts that succeeded.',
    {},
    worker.connectorStartupSuccess,
  );
  add(
    'connect_worker_metrics_connector_startup_success_percentage',
    "The average percentage of this worker's connectors starts that succeeded.",
    {},
    percentage(worker.connectorStartupSuccess, worker.connectorStartupAttempts),
  );
  add(
    'connect_worker_metrics_connector_startup_failure_total',
    'The total number of connector starts that failed.',
    {},
    worker.connectorStartupFailure,
  );
  add(
    'connect_worker_metrics_connector_startup_failure_percentage',
    "The average percentage of this worker's connectors starts that failed.",
    {},
    percentage(worker.connectorStartupFailure, worker.connectorStartupAttempts),
  );
  add(
    'connect_worker_metrics_task_startup_attempts_total',
    'The total number of task startups that this worker has attempted.',
    {},
    worker.taskStartupAttempts,
  );
  add(
    'connect_worker_metrics_task_startup_success_total',
    'The total number of task starts that succeeded.',
    {},
    worker.taskStartupSuccess,
  );
  add(
    'connect_worker_metrics_task_startup_success_percentage',
    "The average percentage of this worker's tasks starts that succeeded.",
    {},
    percentage(worker.taskStartupSuccess, worker.taskStartupAttempts),
  );
  add(
    'connect_worker_metrics_task_startup_failure_total',
    'The total number of task starts that failed.',
    {},
    worker.taskStartupFailure,
  );
  add(
    'connect_worker_metrics_task_startup_failure_percentage',
    "The average percentage of this worker's tasks starts that failed.",
    {},
    percentage(worker.taskStartupFailure, worker.taskStartupAttempts),
  );
  // One worker, no group protocol: the rebalance metrics describe a cluster that never rebalances.
  add(
    'connect_worker_rebalance_metrics_completed_rebalances_total',
    'The total number of rebalances completed by this worker.',
    {},
    0,
  );
  add('connect_worker_rebalance_metrics_rebalancing', 'Whether this worker is currently rebalancing.', {}, 0);
  add('connect_worker_rebalance_metrics_epoch', 'The epoch or generation number of this worker.', {}, 1);
}

function addConnectorMetrics(add: Add, snapshot: MetricsSnapshot): void {
  for (const connector of snapshot.connectors) {
    const labels = {
      connector: connector.name,
      status: connector.status.toLowerCase(),
      connector_type: connector.type,
      connector_class: connector.className,
      connector_version: connector.version,
    };
    add(
      'connector_metrics_status',
      'The status of the connector (labels carry status, type, class and version).',
      labels,
      1,
    );
    const tasks = snapshot.tasks.filter((task) => task.connector === connector.name);
    const count = (state: string): number => tasks.filter((task) => task.status === state).length;
    const byConnector = { connector: connector.name };
    add(
      'connect_worker_metrics_connector_total_task_count',
      'The number of tasks of the connector on the worker.',
      byConnector,
      tasks.length,
    );
    for (const state of ['running', 'paused', 'failed', 'unassigned', 'destroyed', 'restarting']) {
      add(
        `connect_worker_metrics_connector_${state}_task_count`,
        `The number of ${state} tasks of the connector on the worker.`,
        byConnector,
        count(state),
      );
    }
  }
}

function addTaskMetrics(add: Add, task: TaskMetrics): void {
  const labels = { connector: task.connector, task: task.task };
  const commits = task.offsetCommitSuccess + task.offsetCommitFailure;
  add(
    'connector_task_metrics_status',
    'The status of the connector task (label status).',
    { ...labels, status: task.status },
    1,
  );
  add(
    'connector_task_metrics_batch_size_max',
    'The number of records in the largest batch the task has processed so far.',
    labels,
    task.batchSizeMax,
  );
  add(
    'connector_task_metrics_batch_size_avg',
    'The average number of records in the batches the task has processed so far.',
    labels,
    task.batches ? task.batchSizeTotal / task.batches : 0,
  );
  add(
    'connector_task_metrics_offset_commit_max_time_ms',
    'The maximum time in milliseconds taken by this task to commit offsets.',
    labels,
    task.offsetCommitMaxTimeMs,
  );
  add(
    'connector_task_metrics_offset_commit_avg_time_ms',
    'The average time in milliseconds taken by this task to commit offsets.',
    labels,
    commits ? task.offsetCommitTotalTimeMs / commits : 0,
  );
  add(
    'connector_task_metrics_offset_commit_success_percentage',
    "The average percentage of this task's offset commit attempts that succeeded.",
    labels,
    percentage(task.offsetCommitSuccess, commits),
  );
  add(
    'connector_task_metrics_offset_commit_failure_percentage',
    "The average percentage of this task's offset commit attempts that failed.",
    labels,
    percentage(task.offsetCommitFailure, commits),
  );
  if (task.kind === 'source') {
    add(
      'source_task_metrics_source_record_poll_total',
      'The total number of records produced/polled (before transformation) by this task.',
      labels,
      task.sourceRecordPollTotal,
    );
    add(
      'source_task_metrics_source_record_write_total',
      'The number of records output from the transformations and written to Kafka for this task.',
      labels,
      task.sourceRecordWriteTotal,
    );
  } else {
    add(
      'sink_task_metrics_sink_record_read_total',
      'The total number of records read from Kafka by this task.',
      labels,
      task.sinkRecordReadTotal,
    );
    add(
      'sink_task_metrics_sink_record_send_total',
      'The total number of records output from the transformations and sent/put to this task.',
      labels,
      task.sinkRecordSendTotal,
    );
    add(
      'sink_task_metrics_partition_count',
      'The number of topic partitions assigned to this task.',
      labels,
      task.partitionCount,
    );
    add(
      'sink_task_metrics_put_batch_max_time_ms',
      'The maximum time taken by this task to put a batch of sinks records.',
      labels,
      task.putBatchMaxTimeMs,
    );
    add(
      'sink_task_metrics_put_batch_avg_time_ms',
      'The average time taken by this task to put a batch of sinks records.',
      labels,
      task.batches ? task.putBatchTotalTimeMs / task.batches : 0,
    );
    add(
      'sink_task_metrics_offset_commit_completion_total',
      'The total number of offset commit completions that were completed successfully.',
      labels,
      task.offsetCommitSuccess,
    );
  }
  const errors = task.errors;
  add(
    'task_error_metrics_total_record_failures',
    'The number of record processing failures in this task.',
    labels,
    errors.totalRecordFailures,
  );
  add(
    'task_error_metrics_total_record_errors',
    'The number of record processing errors in this task.',
    labels,
    errors.totalRecordErrors,
  );
  add(
    'task_error_metrics_total_records_skipped',
    'The number of records skipped due to errors.',
    labels,
    errors.totalRecordsSkipped,
  );
  add('task_error_metrics_total_retries', 'The number of operations retried.', labels, errors.totalRetries);
  add(
    'task_error_metrics_total_errors_logged',
    'The number of errors that were logged.',
    labels,
    errors.totalErrorsLogged,
  );
  add(
    'task_error_metrics_deadletterqueue_produce_requests',
    'The number of attempted writes to the dead letter queue.',
    labels,
    errors.dlqProduceRequests,
  );
  add(
    'task_error_metrics_deadletterqueue_produce_failures',
    'The number of failed writes to the dead letter queue.',
    labels,
    errors.dlqProduceFailures,
  );
  add(
    'task_error_metrics_last_error_timestamp',
    'The epoch timestamp when this task last encountered an error.',
    labels,
    errors.lastErrorTimestamp,
  );
}
