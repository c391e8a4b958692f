import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { didYouMean } from './did-you-mean.ts';
import { describeJsonError } from './json-error.ts';
import { positiveNumber, wholeNumber } from './options.ts';

describe('option parsers', () => {
  it('refuse what is not a number instead of passing NaN on', () => {
    expect(positiveNumber('15')).toBe(15);
    expect(() => positiveNumber('abc')).toThrow(InvalidArgumentError);
    expect(() => positiveNumber('0')).toThrow(InvalidArgumentError);
    expect(() => positiveNumber('')).toThrow(InvalidArgumentError);
    expect(wholeNumber('42')).toBe(42);
    expect(() => wholeNumber('abc')).toThrow('Expected a whole number');
    expect(() => wholeNumber('4.5')).toThrow(InvalidArgumentError);
  });
});

describe('describeJsonError', () => {
  it('locates a syntax error by line and column', () => {
    const text = '{\n  "name": "x",\n  "tasks.max": "1"\n  "topics": "users"\n}';
    let error: unknown;
    try {
      JSON.parse(text);
    } catch (caught) {
      error = caught;
    }
    expect(describeJsonError(text, error)).toBe(
      "Expected ',' or '}' after property value at line 4, column 3",
    );
  });
});

describe('didYouMean', () => {
  it('suggests the close candidate and nothing for a far one', () => {
    expect(didYouMean('prodcts', ['users', 'products'])).toBe('products');
    expect(didYouMean('orders', ['users', 'products'])).toBeUndefined();
    expect(didYouMean('products', ['products'])).toBeUndefined();
  });
});
