import type { Props } from '../api/plugins.ts';
import type { PluginRegistry } from '../plugins.ts';
import type { Storage } from '../storage/index.ts';
import { badRequest } from './errors.ts';
import { alterSinkOffsets, readSinkOffsets, resetSinkOffsets, validateSourceOffsets } from './offsets.ts';
import type { ConnectorOffsets } from './shapes.ts';

/** KIP-875's offsets endpoints for one connector: sink offsets in its consumer group, source ones in the store. */
export interface OffsetContext {
  name: string;
  config: Props;
  kind: 'source' | 'sink' | 'unknown';
  stopped: boolean;
  storage: Storage;
  registry: PluginRegistry;
}

const groupOf = ({ name, config }: OffsetContext): string =>
  config['consumer.override.group.id'] ?? `connect-${name}`;

function requireStopped(context: OffsetContext): void {
  if (!context.stopped) {
    throw badRequest(
      `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${context.name}/stop' endpoint`,
    );
  }
}

export async function readOffsets(context: OffsetContext): Promise<ConnectorOffsets> {
  if (context.kind === 'sink') return readSinkOffsets(context.storage.admin, groupOf(context));
  return {
    offsets: context.storage.offsets
      .all(context.name)
      .map(({ partition, offset }) => ({ partition, offset })),
  };
}

/** Apache's two answers: the connector handled its own offsets too, or only the framework's were changed. */
function outcome(handled: boolean, verb: 'altered' | 'reset'): string {
  return handled
    ? `The offsets for this connector have been ${verb} successfully`
    : `The Connect framework-managed offsets for this connector have been ${verb} successfully. However, if this connector manages offsets externally, they will need to be manually ${verb} in the system that the connector uses.`;
}

export async function alterOffsets(context: OffsetContext, body: unknown): Promise<string> {
  requireStopped(context);
  const offsets = (body as { offsets?: unknown } | null)?.offsets;
  if (!Array.isArray(offsets) || offsets.length === 0) {
    throw badRequest('Partitions / offsets need to be provided for an alter offsets request');
  }
  const connector = context.registry.connector(context.config['connector.class'] ?? '').create();
  if (context.kind === 'sink') {
    const parsed = await alterSinkOffsets(context.storage.admin, groupOf(context), offsets);
    return outcome(connector.alterOffsets?.(context.config, parsed) ?? false, 'altered');
  }
  const entries = validateSourceOffsets(offsets);
  const handled = connector.alterOffsets?.(context.config, entries) ?? false;
  await context.storage.offsets.write(context.name, entries);
  return outcome(handled, 'altered');
}

export async function resetOffsets(context: OffsetContext): Promise<string> {
  requireStopped(context);
  const connector = context.registry.connector(context.config['connector.class'] ?? '').create();
  if (context.kind === 'sink') {
    await resetSinkOffsets(context.storage.admin, groupOf(context));
    return outcome(connector.alterOffsets?.(context.config, []) ?? false, 'reset');
  }
  const entries = context.storage.offsets
    .all(context.name)
    .map(({ partition }) => ({ partition, offset: null }));
  const handled = connector.alterOffsets?.(context.config, entries) ?? false;
  await context.storage.offsets.resetAll(context.name);
  return outcome(handled, 'reset');
}
