import { describe, expect, it } from 'vitest';
import { connectorDocs, driftedFiles, renderConnectorDoc } from './generate.ts';

describe('connector docs', () => {
  it('match the config specs (run `npm run docs:connectors` after changing a spec)', () => {
    expect(driftedFiles()).toEqual([]);
  });

  it('document every key, its aliases and enum meanings', () => {
    for (const doc of connectorDocs) {
      const text = renderConnectorDoc(doc);
      for (const key of doc.spec.keys) {
        expect(text).toContain(`### \`${key.name}\``);
        for (const alias of key.aliases ?? []) expect(text).toContain(`\`${alias}\``);
        for (const entry of key.enum ?? [])
          expect(text).toContain(`| \`${entry.value}\` | ${entry.meaning} |`);
      }
    }
  });
});
