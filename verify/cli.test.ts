import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../infra/console/style.ts';
import { fitLine } from './cli.ts';

describe('the live view', () => {
  it('cuts lines to the width so a redraw never leaves wrapped rows behind', () => {
    for (const columns of [40, 100, 160]) {
      const line = fitLine(`\u001b[2mkafka  \u001b[22m ${'users 50 · '.repeat(30)}`, columns);
      expect(stripAnsi(line).length).toBeLessThan(columns);
    }
    expect(fitLine('short', 100)).toBe('short');
  });
});
