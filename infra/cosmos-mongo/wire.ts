import { BSON, type Document } from 'bson';

/** MongoDB wire protocol framing: the messages a driver sends (OP_MSG, the legacy OP_QUERY) and our replies. */
export const opReply = 1;
export const opQuery = 2004;
export const opMsg = 2013;
export const opCompressed = 2012;

const checksumPresent = 1 << 0;
const moreToCome = 1 << 1;

export interface Request {
  requestId: number;
  opCode: number;
  /** The command document, with OP_MSG kind-1 sections merged in under their identifiers. */
  command: Document;
  /** The client expects no reply (OP_MSG moreToCome: unacknowledged writes). */
  noReply: boolean;
  /** For OP_QUERY: the collection the query was addressed to (`admin.$cmd`). */
  fullCollectionName?: string;
}

export class WireError extends Error {}

/** Length of the message at the head of `buffer` when it is complete, else undefined. */
export function completeMessageLength(buffer: Buffer): number | undefined {
  if (buffer.length < 4) return undefined;
  const length = buffer.readInt32LE(0);
  if (length < 16 || length > 48_000_000) throw new WireError(`invalid message length ${length}`);
  return buffer.length >= length ? length : undefined;
}

export function parseMessage(message: Buffer): Request {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === opMsg) return parseOpMsg(message, requestId);
  if (opCode === opQuery) return parseOpQuery(message, requestId);
  throw new WireError(
    opCode === opCompressed ? 'compression was not negotiated' : `unsupported opCode ${opCode}`,
  );
}

function parseOpMsg(message: Buffer, requestId: number): Request {
  const flags = message.readUInt32LE(16);
  let end = message.length;
  if (flags & checksumPresent) {
    end -= 4;
    const expected = message.readUInt32LE(end);
    if (crc32c(message.subarray(0, end)) !== expected) throw new WireError('OP_MSG checksum mismatch');
  }
  let offset = 20;
  let command: Document | undefined;
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = message[offset++];
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      command = BSON.deserialize(message.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = [];
      let position = nameEnd + 1;
      while (position < sectionEnd) {
        const docSize = message.readInt32LE(position);
        documents.push(BSON.deserialize(message.subarray(position, position + docSize)));
        position += docSize;
      }
      sequences.push([identifier, documents]);
      offset = sectionEnd;
    } else {
      throw new WireError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new WireError('OP_MSG without a body section');
  for (const [identifier, documents] of sequences) command[identifier] = documents;
  return { requestId, opCode: opMsg, command, noReply: (flags & moreToCome) !== 0 };
}

function parseOpQuery(message: Buffer, requestId: number): Request {
  const nameEnd = message.indexOf(0, 20);
  const fullCollectionName = message.toString('utf8', 20, nameEnd);
  const queryStart = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const size = message.readInt32LE(queryStart);
  let command = BSON.deserialize(message.subarray(queryStart, queryStart + size));
  // Old drivers wrap the command: { $query: {...}, $readPreference: ... }.
  if (command.$query && typeof command.$query === 'object') command = command.$query as Document;
  command.$db ??= fullCollectionName.split('.')[0];
  return { requestId, opCode: opQuery, command, noReply: false, fullCollectionName };
}

let nextRequestId = 1;

/** An OP_MSG reply (or OP_REPLY to an OP_QUERY) carrying one document. */
export function encodeReply(request: Request, reply: Document): Buffer {
  const body = Buffer.from(BSON.serialize(reply));
  if (request.opCode === opQuery) {
    const header = Buffer.alloc(36);
    header.writeInt32LE(36 + body.length, 0);
    header.writeInt32LE(nextRequestId++, 4);
    header.writeInt32LE(request.requestId, 8);
    header.writeInt32LE(opReply, 12);
    header.writeInt32LE(0, 16); // responseFlags
    header.writeBigInt64LE(0n, 20); // cursorID
    header.writeInt32LE(0, 28); // startingFrom
    header.writeInt32LE(1, 32); // numberReturned
    return Buffer.concat([header, body]);
  }
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + body.length, 0);
  header.writeInt32LE(nextRequestId++, 4);
  header.writeInt32LE(request.requestId, 8);
  header.writeInt32LE(opMsg, 12);
  header.writeUInt32LE(0, 16);
  header[20] = 0;
  return Buffer.concat([header, body]);
}

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the OP_MSG checksum. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
