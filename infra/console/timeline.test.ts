import { describe, expect, it } from 'vitest';
import { stripAnsi } from './style.ts';
import { Timeline } from './timeline.ts';

describe('Timeline', () => {
  it('records spans (also when the body throws) and renders them in start order', async () => {
    const timeline = new Timeline();
    const endOuter = timeline.begin('outer');
    await timeline.time('inner', async () => {});
    await expect(
      timeline.time('failing', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    timeline.mark('passed');
    endOuter();
    expect(timeline.spans.map((span) => span.label)).toEqual(['inner', 'failing', 'passed', 'outer']);
    for (const span of timeline.spans) expect(span.to).toBeGreaterThanOrEqual(span.from);
    const lines = stripAnsi(timeline.render()).split('\n');
    expect(lines[0]).toContain('Timeline');
    expect(lines.slice(1).map((line) => line.trim().split(/\s+/).pop())).toEqual([
      'outer',
      'inner',
      'failing',
      'passed',
    ]);
  });
});
