import { describe, expect, it } from 'vitest';
import { fuse, scorer } from './vector-query.ts';

const f = (values: number[]) => Float32Array.from(values);

describe('vector scores', () => {
  it('scores cosine as 1 / (1 + cosine distance): 1 identical, 0.5 orthogonal, 1/3 opposite', () => {
    const score = scorer('cosine', f([1, 0]));
    expect(score(f([2, 0]))).toBeCloseTo(1);
    expect(score(f([0, 3]))).toBeCloseTo(0.5);
    expect(score(f([-1, 0]))).toBeCloseTo(1 / 3);
  });

  it('scores euclidean and hamming as 1 / (1 + distance), dotProduct like cosine on unit vectors', () => {
    expect(scorer('euclidean', f([0, 0]))(f([3, 4]))).toBeCloseTo(1 / 6);
    // 0b1111_0000 vs 0b0000_0001: five differing bits.
    expect(scorer('hamming', f([0xf0]))(f([0x01]))).toBeCloseTo(1 / 6);
    const dot = scorer('dotProduct', f([0.6, 0.8]));
    expect(dot(f([0.6, 0.8]))).toBeCloseTo(scorer('cosine', f([0.6, 0.8]))(f([0.6, 0.8])));
    expect(dot(f([0, 1]))).toBeCloseTo(scorer('cosine', f([0.6, 0.8]))(f([0, 1])));
    // Monotonic beyond unit length: a longer aligned vector scores higher.
    expect(dot(f([6, 8]))).toBeGreaterThan(dot(f([0.6, 0.8])));
  });

  it('fuses ranked lists with weight / (60 + rank)', () => {
    const fused = fuse([
      { keys: ['a', 'b'], scores: new Map(), weight: 1 },
      { keys: ['b', 'c'], scores: new Map(), weight: 2 },
    ]);
    expect(fused.keys).toEqual(['b', 'c', 'a']);
    expect(fused.scores.get('b')).toBeCloseTo(1 / 62 + 2 / 61, 12);
    expect(fused.scores.get('a')).toBeCloseTo(1 / 61, 12);
  });
});
