import { BSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { completeMessageLength, crc32c, encodeReply, opMsg, opQuery, parseMessage } from './wire.ts';

function header(length: number, requestId: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(0, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opMsgWith(flags: number, sections: Buffer[], checksum: boolean): Buffer {
  const flagBuffer = Buffer.alloc(4);
  flagBuffer.writeUInt32LE(flags | (checksum ? 1 : 0));
  const body = Buffer.concat([flagBuffer, ...sections]);
  const length = 16 + body.length + (checksum ? 4 : 0);
  const message = Buffer.concat([header(length, 7, opMsg), body]);
  if (!checksum) return message;
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(crc32c(message));
  return Buffer.concat([message, sum]);
}

function kind0(doc: object): Buffer {
  return Buffer.concat([Buffer.from([0]), BSON.serialize(doc)]);
}

function kind1(identifier: string, docs: object[]): Buffer {
  const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((doc) => BSON.serialize(doc))]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + payload.length);
  return Buffer.concat([Buffer.from([1]), size, payload]);
}

describe('MongoDB wire protocol framing', () => {
  it('computes CRC-32C (the check value of "123456789" is 0xE3069283)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('reads OP_MSG with a document sequence (kind 1) and a checksum, and refuses a wrong checksum', () => {
    const message = opMsgWith(
      0,
      [kind0({ insert: 'c', $db: 'd' }), kind1('documents', [{ a: 1 }, { a: 2 }])],
      true,
    );
    expect(completeMessageLength(message)).toBe(message.length);
    expect(completeMessageLength(message.subarray(0, 10))).toBeUndefined();
    const request = parseMessage(message);
    expect(request.command).toEqual({ insert: 'c', $db: 'd', documents: [{ a: 1 }, { a: 2 }] });
    expect(request.noReply).toBe(false);
    const corrupt = Buffer.from(message);
    corrupt[25] = corrupt[25]! ^ 0xff;
    expect(() => parseMessage(corrupt)).toThrow(/checksum/);
  });

  it('marks moreToCome (unacknowledged) messages as needing no reply', () => {
    expect(parseMessage(opMsgWith(2, [kind0({ ping: 1 })], false)).noReply).toBe(true);
  });

  it('reads the legacy OP_QUERY handshake and answers it with OP_REPLY', () => {
    const query = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from('admin.$cmd\0'),
      Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
      BSON.serialize({ $query: { isMaster: 1 }, $readPreference: { mode: 'primary' } }),
    ]);
    const request = parseMessage(Buffer.concat([header(16 + query.length, 3, opQuery), query]));
    expect(request.command).toEqual({ isMaster: 1, $db: 'admin' });
    const reply = encodeReply(request, { ismaster: true, ok: 1 });
    expect(reply.readInt32LE(8)).toBe(3); // responseTo
    expect(reply.readInt32LE(12)).toBe(1); // OP_REPLY
    expect(reply.readInt32LE(32)).toBe(1); // one document
    expect(BSON.deserialize(reply.subarray(36))).toEqual({ ismaster: true, ok: 1 });
  });
});
