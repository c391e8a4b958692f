import { describe, expect, it } from 'vitest';
import { retargetContinuation } from './feed-ranges.ts';

describe('retargetContinuation', () => {
  const token = (parts: Array<[string, string, string]>) =>
    JSON.stringify({
      rid: 'r',
      Continuation: parts.map(([minInclusive, maxExclusive, continuationToken]) => ({
        minInclusive,
        maxExclusive,
        continuationToken,
      })),
    });

  it("aims a parent's token at a child range, clipping each part and dropping those outside", () => {
    expect(retargetContinuation(token([['', 'FF', '"7"']]), '10', '20')).toBe(token([['10', '20', '"7"']]));
    expect(
      retargetContinuation(
        token([
          ['', '15', '"3"'],
          ['15', 'FF', '"9"'],
        ]),
        '20',
        'FF',
      ),
    ).toBe(token([['20', 'FF', '"9"']]));
    expect(
      retargetContinuation(
        token([
          ['', '15', '"3"'],
          ['15', 'FF', '"9"'],
        ]),
        '10',
        '20',
      ),
    ).toBe(
      token([
        ['10', '15', '"3"'],
        ['15', '20', '"9"'],
      ]),
    );
  });

  it('gives up on what is not a feed-range token', () => {
    expect(retargetContinuation('not json', '', 'FF')).toBeUndefined();
    expect(retargetContinuation(JSON.stringify({ rid: 'r', Continuation: '"5"' }), '', 'FF')).toBeUndefined();
  });
});
