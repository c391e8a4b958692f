import { describe, expect, it } from 'vitest';
import { WorkerLog } from './logging.ts';

describe('WorkerLog', () => {
  it('filters each line by the level of its logger, or of the nearest ancestor set, or of root', () => {
    const lines: string[] = [];
    const log = new WorkerLog((line) => lines.push(line));
    const task = 'com.azure.cosmos.kafka.connect.CosmosSinkTask';
    log.set('com.azure.cosmos', 'ERROR');
    log.log('WARN skipped a record', task);
    log.log('ERROR failed for good', task);
    log.log('WARN a worker line');
    expect(lines.map((line) => line.replace(/^\[[^\]]+\] /, ''))).toEqual([
      'ERROR failed for good',
      'WARN a worker line',
    ]);
    expect(log.levelOf(task)).toBe('ERROR');
    log.set(task, 'OFF');
    log.log('ERROR silenced', task);
    expect(lines).toHaveLength(2);
  });
});
