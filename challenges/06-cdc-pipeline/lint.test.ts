import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { challenge06 } from './challenge.ts';
import { lint06 } from './lint.ts';

describe('challenge 06 lint', () => {
  it('finds nothing in the references', () => {
    expect(lint06(join(challenge06.dir, 'solution'))).toEqual([]);
    expect(lint06(join(challenge06.dir, 'solution-typescript'))).toEqual([]);
  });

  it('warns about every TODO of the templates, naming the SMT to add, without stopping the run', () => {
    const findings = lint06(join(challenge06.dir, 'pipeline'));
    expect(findings.every((finding) => finding.level === 'warning')).toBe(true);
    const lines = findings.map((finding) => `${finding.connector}: ${finding.message} ${finding.fix}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^customers-source: customers records are not keyed by the row's id\. Add .*ValueToKey with fields=id/,
        ),
        expect.stringMatching(
          /^customers-source: the key stays a struct \{id\}.*ExtractField\$Key with field=id/,
        ),
        expect.stringMatching(
          /^customers-source: card_number would reach Kafka in clear text\. Add .*MaskField\$Value/,
        ),
        expect.stringMatching(/^products-source: the value schema is not named shop\.Product/),
        expect.stringMatching(
          /^totals-sink: a deleted customer's document would stay\. Set delete\.on\.null\.values=true/,
        ),
        expect.stringMatching(/^totals-sink: .*HoistField\$Key with field=_id/),
      ]),
    );
    expect(lines.some((line) => line.startsWith('products-source: card_number'))).toBe(false);
  });
});
