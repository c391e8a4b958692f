import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SCRAM-SHA-256 (RFC 7677) as MongoDB runs it: the username is the account name and the password the account
 * key, as on Cosmos DB for MongoDB. The salted passwords are computed once per key (PBKDF2 is slow on purpose).
 */
export const scramIterations = 4096;

export interface ScramConversation {
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

export class ScramServer {
  private readonly salt = randomBytes(24);
  private readonly saltedKeys: Buffer[];

  constructor(
    private readonly account: string,
    keys: string[],
  ) {
    this.saltedKeys = keys.map((key) => pbkdf2Sync(key, this.salt, scramIterations, 32, 'sha256'));
  }

  /** Answers the client-first message; undefined when it is malformed or names another user. */
  start(clientFirst: string): { conversation: ScramConversation; serverFirst: string } | undefined {
    const match = /^n,[^,]*,(n=([^,]*),r=([^,]+).*)$/.exec(clientFirst);
    if (!match) return undefined;
    const user = match[2]!.replace(/=2C/g, ',').replace(/=3D/g, '=');
    if (user !== this.account) return undefined;
    const nonce = match[3]! + randomBytes(18).toString('base64');
    const serverFirst = `r=${nonce},s=${this.salt.toString('base64')},i=${scramIterations}`;
    return { conversation: { clientFirstBare: match[1]!, serverFirst, nonce }, serverFirst };
  }

  /** Checks the client's proof; the server-final message when it proves one of the keys, else undefined. */
  finish(conversation: ScramConversation, clientFinal: string): string | undefined {
    const match = /^(c=[^,]*,r=([^,]+)),p=([^,]+)$/.exec(clientFinal);
    if (!match || match[2] !== conversation.nonce) return undefined;
    const authMessage = `${conversation.clientFirstBare},${conversation.serverFirst},${match[1]}`;
    const proof = Buffer.from(match[3]!, 'base64');
    for (const salted of this.saltedKeys) {
      const storedKey = sha256(hmac(salted, 'Client Key'));
      const signature = hmac(storedKey, authMessage);
      if (proof.length !== signature.length) return undefined;
      const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]!));
      if (timingSafeEqual(sha256(clientKey), storedKey)) {
        return `v=${hmac(hmac(salted, 'Server Key'), authMessage).toString('base64')}`;
      }
    }
    return undefined;
  }
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
