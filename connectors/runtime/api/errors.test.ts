import { describe, expect, it } from 'vitest';
import { HackError } from '../../../infra/errors.ts';
import { parseJavaDecimal } from '../data/java-format.ts';
import { javaParseInteger } from '../transforms/java-numbers.ts';
import {
  ConnectException,
  DataException,
  IllegalArgumentException,
  NumberFormatException,
  RetriableException,
  javaClassOf,
} from './errors.ts';

describe('the plugin API’s exceptions', () => {
  it('follow Java’s hierarchy, independent of the CLI’s HackError', () => {
    const data = new DataException('bad');
    expect(data).toBeInstanceOf(ConnectException);
    expect(new RetriableException('busy')).toBeInstanceOf(ConnectException);
    expect(data).not.toBeInstanceOf(HackError);
    expect(javaClassOf(data)).toBe('org.apache.kafka.connect.errors.DataException');
    expect(data.name).toBe('DataException');
  });

  it('model NumberFormatException once, for the data layer and the transforms alike', () => {
    const fromDecimal = (() => {
      try {
        return parseJavaDecimal('x1');
      } catch (error) {
        return error;
      }
    })();
    expect(fromDecimal).toBeInstanceOf(NumberFormatException);
    expect(fromDecimal).toBeInstanceOf(IllegalArgumentException);
    expect(() => javaParseInteger('1e3', 32)).toThrow(NumberFormatException);
  });
});
