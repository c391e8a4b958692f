import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../lint.ts';

/**
 * Challenge 00's sizing exercise: the story's figures, what follows from them, and the participant's answers file
 * (`answers/sizing.yaml`, one `key: number` per question) checked against them with stated tolerances. A wrong
 * answer is matched against the usual slips (MiB for MB, per hour for per second, replication forgotten…) so the
 * verdict names the slip, not only the right figure.
 */
export const story = {
  transactionsPerHour: 35_000,
  /** kB as the story says it: 1 kB = 1,000 bytes (decimal units throughout, as storage vendors and Azure bill). */
  recordKB: 500,
  retentionDays: 90,
  replicationFactor: 3,
  /** What one consumer instance processes (the answers file states it). */
  consumerMBps: 1.5,
  /** What one partition takes in writes (the answers file states it). */
  partitionWriteMBps: 10,
  /** The hack's partitions per topic (challenge 01) and the group size of challenge 02. */
  hackPartitions: 4,
  groupSize: 7,
} as const;

export const answersFileName = 'sizing.yaml';

/** How far an answer may be from the figure (relative), or exactly right for counts. */
const relativeTolerance = 0.02;

const fmt = (value: number, digits = 4): string =>
  Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : Number(value.toPrecision(digits)).toLocaleString('en-US');

export interface Slip {
  /** answer ÷ right figure when the slip is made. */
  factor: number;
  says: string;
}

export interface Question {
  /** The check id (stable once published). */
  id: string;
  /** The line in the answers file. */
  key: string;
  title: string;
  unit: string;
  /** The figure and how it follows from the story, one line per step. */
  expected: number;
  explanation: string[];
  /** Counts: an accepted range instead of a relative tolerance. */
  range?: { min: number; max: number; why: string };
  slips: Slip[];
  /** Check ids of the questions whose figure this one builds on. */
  buildsOn?: string[];
}

const perSecond = story.transactionsPerHour / 3600;
const bytesPerRecord = story.recordKB * 1000;
const throughputMBps = (perSecond * bytesPerRecord) / 1e6;
const dailyGB = (story.transactionsPerHour * 24 * bytesPerRecord) / 1e9;
const retentionTB = (dailyGB * story.retentionDays) / 1000;
const replicatedTB = retentionTB * story.replicationFactor;
const byConsumers = Math.ceil(throughputMBps / story.consumerMBps);
const byWrites = Math.ceil(throughputMBps / story.partitionWriteMBps);
const minimumPartitions = Math.max(byConsumers, byWrites);

const binary = (power: number, unit: string, asked: string): Slip => ({
  factor: (1000 / 1024) ** power,
  says: `this is the figure in ${unit} (powers of 1,024); the question asks for ${asked} (powers of 1,000)`,
});

export const questions: Question[] = [
  {
    id: 'sizing:transactions-per-second',
    key: 'transactions_per_second',
    title: 'Transactions per second',
    unit: 'transactions/s',
    expected: perSecond,
    explanation: [
      `${fmt(story.transactionsPerHour)} transactions/h ÷ 3,600 s/h = ${fmt(perSecond)} transactions/s`,
    ],
    slips: [
      { factor: 3600, says: 'this is per hour, not per second: divide by 3,600 s/h' },
      { factor: 60, says: 'this is per minute, not per second: divide by 60' },
    ],
  },
  {
    id: 'sizing:throughput',
    key: 'throughput_mb_per_s',
    title: 'Write throughput in MB/s',
    unit: 'MB/s',
    expected: throughputMBps,
    explanation: [
      `${fmt(perSecond)} transactions/s × ${story.recordKB} kB = ${fmt(perSecond * story.recordKB)} kB/s`,
      `÷ 1,000 kB/MB = ${fmt(throughputMBps)} MB/s (1 MB = 1,000,000 bytes)`,
    ],
    slips: [
      { factor: 3600, says: 'this is MB per hour, not per second: divide by 3,600 s/h' },
      { factor: 60, says: 'this is MB per minute, not per second: divide by 60' },
      { factor: 1000, says: 'this is kB/s, not MB/s: divide by 1,000' },
      { factor: 1 / 1000, says: 'this is GB/s, not MB/s: multiply by 1,000' },
      binary(2, 'MiB/s', 'MB/s'),
      {
        factor: 1.024,
        says: 'this counts 500 kB as 500 × 1,024 bytes; the story’s kB is 1,000 bytes',
      },
      {
        factor: story.replicationFactor,
        says: 'this includes replication: the question asks what producers write, one copy',
      },
    ],
    buildsOn: ['sizing:transactions-per-second'],
  },
  {
    id: 'sizing:daily-volume',
    key: 'daily_volume_gb',
    title: 'Volume per day in GB',
    unit: 'GB',
    expected: dailyGB,
    explanation: [
      `${fmt(story.transactionsPerHour)} transactions/h × 24 h × ${story.recordKB} kB = ${fmt(story.transactionsPerHour * 24 * story.recordKB)} kB`,
      `= ${fmt(dailyGB)} GB a day (1 GB = 1,000,000 kB), one copy`,
    ],
    slips: [
      { factor: 1 / 24, says: 'this is one hour’s volume: a day has 24 hours' },
      { factor: 1000, says: 'this is MB, not GB: divide by 1,000' },
      { factor: 1 / 1000, says: 'this is TB, not GB: multiply by 1,000' },
      binary(3, 'GiB', 'GB'),
      {
        factor: story.replicationFactor,
        says: 'this includes replication: the question asks for one copy (replication comes last)',
      },
    ],
  },
  {
    id: 'sizing:retention',
    key: 'retention_tb',
    title: `Storage for ${story.retentionDays} days, one copy, in TB`,
    unit: 'TB',
    expected: retentionTB,
    explanation: [
      `${fmt(dailyGB)} GB/day × ${story.retentionDays} days = ${fmt(dailyGB * story.retentionDays)} GB = ${fmt(retentionTB)} TB (1 TB = 1,000 GB)`,
    ],
    slips: [
      { factor: 1 / 24, says: `this counts ${story.retentionDays} hours, not days: a day has 24 hours` },
      { factor: 1000, says: 'this is GB, not TB: divide by 1,000' },
      binary(4, 'TiB', 'TB'),
      {
        factor: story.replicationFactor,
        says: 'this includes replication: this question is one copy (the next one multiplies)',
      },
      { factor: 30 / story.retentionDays, says: 'this is 30 days: the story keeps data 90 days' },
    ],
    buildsOn: ['sizing:daily-volume'],
  },
  {
    id: 'sizing:replicated-storage',
    key: 'replicated_storage_tb',
    title: `Storage with replication factor ${story.replicationFactor}, in TB`,
    unit: 'TB',
    expected: replicatedTB,
    explanation: [
      `${fmt(retentionTB)} TB × replication factor ${story.replicationFactor} = ${fmt(replicatedTB)} TB across the brokers`,
      'every partition is stored once per replica: the leader and two followers',
    ],
    slips: [
      {
        factor: 1 / story.replicationFactor,
        says: `replication is forgotten: this is one copy; Kafka stores each partition ${story.replicationFactor} times (replication factor ${story.replicationFactor})`,
      },
      {
        factor: 2 / story.replicationFactor,
        says: `this is 2 copies: replication factor ${story.replicationFactor} means ${story.replicationFactor} copies in all, the leader and ${story.replicationFactor - 1} followers`,
      },
      { factor: 1000, says: 'this is GB, not TB: divide by 1,000' },
      binary(4, 'TiB', 'TB'),
      { factor: 1 / 24, says: `this counts ${story.retentionDays} hours, not days: a day has 24 hours` },
    ],
    buildsOn: ['sizing:retention'],
  },
  {
    id: 'sizing:partitions',
    key: 'partitions',
    title: 'Partitions for the busiest topic',
    unit: 'partitions',
    expected: minimumPartitions,
    explanation: [
      `consumers: ${fmt(throughputMBps)} MB/s ÷ ${story.consumerMBps} MB/s per consumer = ${fmt(throughputMBps / story.consumerMBps)} → ${byConsumers} (round up: a fraction of a consumer does not exist)`,
      `writes: ${fmt(throughputMBps)} MB/s ÷ ${story.partitionWriteMBps} MB/s per partition = ${fmt(throughputMBps / story.partitionWriteMBps)} → ${byWrites}`,
      `partitions = max(${byConsumers}, ${byWrites}) = ${minimumPartitions}: a partition is read by one consumer of a group, so the consumers that keep up need that many partitions`,
    ],
    range: {
      min: minimumPartitions,
      max: minimumPartitions * 2,
      why: `at least ${minimumPartitions}, at most twice that (${minimumPartitions * 2}): headroom is fine, but every partition costs broker memory, file handles and rebalance time, and partitions can be added later but never removed`,
    },
    slips: [
      {
        factor: Math.floor(throughputMBps / story.consumerMBps) / minimumPartitions,
        says: `${fmt(throughputMBps / story.consumerMBps)} was rounded down: ${Math.floor(throughputMBps / story.consumerMBps)} consumers read ${fmt(Math.floor(throughputMBps / story.consumerMBps) * story.consumerMBps)} MB/s, less than the ${fmt(throughputMBps)} MB/s written — round up`,
      },
      {
        factor: byWrites / minimumPartitions,
        says: `this sizes for the writes only: one partition takes the ${fmt(throughputMBps)} MB/s, but one consumer reads only ${story.consumerMBps} MB/s, and a partition has one reader per group`,
      },
    ],
  },
  {
    id: 'sizing:idle-consumers',
    key: 'idle_consumers_of_7',
    title: `Idle consumers when ${story.groupSize} share a topic of ${story.hackPartitions} partitions`,
    unit: 'consumers',
    expected: story.groupSize - story.hackPartitions,
    explanation: [
      `a partition is read by one member of a group at a time: ${story.hackPartitions} partitions keep ${story.hackPartitions} of the ${story.groupSize} consumers busy`,
      `${story.groupSize} − ${story.hackPartitions} = ${story.groupSize - story.hackPartitions} sit idle, standing by to take over when a member leaves (challenge 02 shows it)`,
    ],
    range: {
      min: story.groupSize - story.hackPartitions,
      max: story.groupSize - story.hackPartitions,
      why: 'exactly',
    },
    slips: [
      {
        factor: 0,
        says: 'none idle would need a partition each: a partition is never shared by two members of one group',
      },
    ],
  },
];

/** One answers file read: numbers by key, and what could not be read. */
export interface Answers {
  path: string;
  exists: boolean;
  values: Map<string, number>;
  /** key → why its value is not a number (blank, "4,86", text). */
  problems: Map<string, string>;
  unknownKeys: string[];
}

const unitPattern = (unit: string): RegExp =>
  new RegExp(`\\s*${unit.replace(/[/.]/g, (c) => `\\${c}`)}\\s*$`, 'i');

/**
 * The answers file: `key: value` lines and `#` comments (a YAML subset). A value is a number, optionally followed
 * by the question's own unit ("4.86 MB/s"); thousands may be grouped with `_` or spaces, never with commas
 * (4,86 or 4,861 would be ambiguous).
 */
export function parseAnswers(text: string, path = answersFileName): Answers {
  const answers: Answers = { path, exists: true, values: new Map(), problems: new Map(), unknownKeys: [] };
  const known = new Map(questions.map((question) => [question.key, question]));
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const match = /^([A-Za-z0-9_]+)\s*:\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, rawValue] = match as unknown as [string, string, string];
    const question = known.get(key);
    if (!question) {
      answers.unknownKeys.push(key);
      continue;
    }
    const value = rawValue.replace(/^["']|["']$/g, '').trim();
    if (!value || /^(~|null|TODO|\?+|_+)$/i.test(value)) {
      answers.problems.set(key, 'is blank');
      continue;
    }
    const bare = value.replace(unitPattern(question.unit), '');
    if (/^-?\d+,\d+$/.test(bare)) {
      answers.problems.set(key, `is ${value}: write the decimal point as a dot, without thousands commas`);
      continue;
    }
    const number = Number(bare.replace(/[_\s]/g, ''));
    if (!/\d/.test(bare) || !Number.isFinite(number)) {
      answers.problems.set(
        key,
        /[a-z]/i.test(bare) && /\d/.test(bare)
          ? `is ${value}: the question asks for ${question.unit}, so write the number in ${question.unit}`
          : `is ${value}, not a number`,
      );
      continue;
    }
    answers.values.set(key, number);
  }
  return answers;
}

export function readAnswers(path: string): Answers {
  if (!existsSync(path))
    return { path, exists: false, values: new Map(), problems: new Map(), unknownKeys: [] };
  return parseAnswers(readFileSync(path, 'utf8'), path);
}

export interface Judgement {
  ok: boolean;
  /** One sentence: the answer, the figure and what went wrong. */
  text: string;
}

/** An answer against its figure: within the tolerance (or range), else the slip it matches, else how far off. */
export function judge(question: Question, answer: number): Judgement {
  const right = `${fmt(question.expected)} ${question.unit}`;
  if (question.range) {
    if (answer >= question.range.min && answer <= question.range.max)
      return { ok: true, text: `${fmt(answer)} ${question.unit}: ${question.range.why}` };
  } else if (Math.abs(answer - question.expected) <= relativeTolerance * question.expected) {
    return {
      ok: true,
      text: `${fmt(answer)} ${question.unit} (within ±${relativeTolerance * 100}% of ${right})`,
    };
  }
  const slip = question.slips.find((candidate) =>
    question.range
      ? Math.abs(answer - candidate.factor * question.expected) < 0.5
      : Math.abs(answer / question.expected - candidate.factor) <= relativeTolerance * candidate.factor,
  );
  const head = `${fmt(answer)} ${question.unit} is off: the figure is ${right}`;
  if (slip) return { ok: false, text: `${head} — ${slip.says}` };
  if (question.range) {
    const side = answer < question.range.min ? 'too few' : 'too many';
    return { ok: false, text: `${head} — ${side}: ${question.range.why}` };
  }
  const ratio = answer / question.expected;
  return {
    ok: false,
    text: `${head} — ${ratio > 1 ? `${fmt(ratio, 2)}× too high` : `${fmt(1 / ratio, 2)}× too low`}; the tolerance is ±${relativeTolerance * 100}%`,
  };
}

/** `hack lint --challenge 00`: the file exists, every question has a number, nothing else is in it. */
export function lintAnswers(dir: string): Finding[] {
  const path = join(dir, answersFileName);
  const answers = readAnswers(path);
  if (!answers.exists)
    return [
      {
        level: 'error',
        connector: answersFileName,
        message: `${path} does not exist`,
        fix: `Copy challenges/00-prerequisites/answers/${answersFileName} there and fill in each blank.`,
      },
    ];
  const findings: Finding[] = [];
  for (const question of questions) {
    const problem = answers.problems.get(question.key);
    if (problem)
      findings.push({
        level: 'error',
        connector: answersFileName,
        key: question.key,
        message: `${question.title} ${problem}`,
        fix: `Work it out from the story (README.md, "Sizing") and write the number in ${question.unit}. Run with --force to check your environment first.`,
      });
    else if (!answers.values.has(question.key))
      findings.push({
        level: 'error',
        connector: answersFileName,
        key: question.key,
        message: `${question.title} is not answered (no \`${question.key}:\` line)`,
        fix: `Add the line \`${question.key}: <number in ${question.unit}>\`.`,
      });
  }
  for (const key of answers.unknownKeys)
    findings.push({
      level: 'warning',
      connector: answersFileName,
      key,
      message: `${key} is no question of the exercise and is ignored`,
      fix: `The questions: ${questions.map((question) => question.key).join(', ')}.`,
    });
  return findings;
}
