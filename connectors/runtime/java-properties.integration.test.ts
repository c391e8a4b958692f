import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProperties } from './java-properties.ts';
import { propertiesCases } from './testing/properties-cases.ts';

/** Every case of the unit test, read by the JVM's own java.util.Properties (one JVM for all of them). */
const dump = join(dirname(fileURLToPath(import.meta.url)), 'testing', 'PropertiesDump.java');
const dir = mkdtempSync(join(tmpdir(), 'properties-'));
const names = Object.keys(propertiesCases);
const fromJava = new Map<string, Record<string, string>>();

beforeAll(() => {
  const files = names.map((name, index) => {
    const file = join(dir, `${index}.properties`);
    writeFileSync(file, propertiesCases[name]!.text, 'utf8');
    return file;
  });
  let current: Record<string, string> = {};
  for (const line of execFileSync('java', [dump, ...files], { encoding: 'utf8' }).split('\n')) {
    if (line.startsWith('== ')) fromJava.set(names[files.indexOf(line.slice(3))]!, (current = {}));
    else if (line !== '') {
      const [key, value] = line.split(' ').map((part) => Buffer.from(part, 'base64').toString('utf8'));
      current[key!] = value!;
    }
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseProperties agrees with java.util.Properties', () => {
  it.each(names)('%s', (name) => {
    const { text, expected } = propertiesCases[name]!;
    expect(fromJava.get(name)).toEqual(expected);
    expect(parseProperties(text)).toEqual(expected);
  });
});
