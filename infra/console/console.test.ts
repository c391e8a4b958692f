import { describe, expect, it } from 'vitest';
import { renderTable } from './table.ts';
import { stripAnsi } from './style.ts';
import { checkNode } from '../doctor/index.ts';

describe('renderTable', () => {
  it('aligns columns by their widest cell and right-aligns numbers on request', () => {
    const text = stripAnsi(
      renderTable(
        [
          { header: 'topic', value: (row: { topic: string; n: number }) => row.topic },
          { header: 'records', value: (row) => row.n, align: 'right' },
        ],
        [
          { topic: 'users', n: 5 },
          { topic: 'inventory-on-hand', n: 1200 },
        ],
      ),
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe('topic              records');
    expect(lines[2]).toBe('users                    5');
    expect(lines[3]).toBe('inventory-on-hand     1200');
  });
});

describe('doctor: Node.js', () => {
  it('requires 20.19 or newer and names the fix', () => {
    expect(checkNode('20.19.0').level).toBe('ok');
    expect(checkNode('22.1.0').level).toBe('ok');
    const old = checkNode('20.11.1');
    expect(old.level).toBe('fail');
    expect(old.fix).toMatch(/Node\.js 20\.19/);
  });
});
