import { InvalidArgumentError } from 'commander';

/**
 * Option parsers for commander: a bad value is refused with what was expected (commander prints
 * "error: option '--timeout <seconds>' argument 'abc' is invalid. <message>" and exits non-zero).
 */
export function positiveNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0)
    throw new InvalidArgumentError('Expected a number of seconds greater than 0, e.g. 30.');
  return number;
}

export function wholeNumber(value: string): number {
  if (!/^\s*\d+\s*$/.test(value)) throw new InvalidArgumentError('Expected a whole number, e.g. 42.');
  return Number(value);
}
