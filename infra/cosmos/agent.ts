import { readFileSync } from 'node:fs';
import { Agent, type AgentOptions } from 'node:https';
import type { CosmosEntry } from '../stack/stack-file.ts';

/** An HTTPS agent that accepts the emulator's self-signed certificate as the entry says; undefined otherwise. */
export function emulatorAgent(entry: CosmosEntry, options: AgentOptions = {}): Agent | undefined {
  if (new URL(entry.endpoint).protocol !== 'https:') return undefined;
  if (entry.tlsInsecure) return new Agent({ ...options, rejectUnauthorized: false });
  if (entry.certificateFile) return new Agent({ ...options, ca: readFileSync(entry.certificateFile) });
  return undefined;
}
