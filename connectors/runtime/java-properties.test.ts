import { describe, expect, it } from 'vitest';
import { parseProperties } from './java-properties.ts';
import { propertiesCases } from './testing/properties-cases.ts';

describe('parseProperties (java.util.Properties rules)', () => {
  it.each(Object.keys(propertiesCases))('%s', (name) => {
    const { text, expected } = propertiesCases[name]!;
    expect(parseProperties(text)).toEqual(expected);
  });

  it('refuses a malformed \\u escape as Java does', () => {
    expect(() => parseProperties('k=\\u12x4')).toThrow('Malformed \\uxxxx encoding.');
  });
});
