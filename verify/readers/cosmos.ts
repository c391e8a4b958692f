import type { CosmosClient } from '@azure/cosmos';

export interface ContainerSnapshot {
  database: string;
  container: string;
  exists: boolean;
  /** Documents by id. Two documents with one id in different logical partitions keep the later one. */
  documents: Map<string, Record<string, unknown>>;
}

/** Reads a whole container through the official SDK (a cross-partition `SELECT * FROM c`). */
export async function readContainer(
  client: CosmosClient,
  database: string,
  container: string,
): Promise<ContainerSnapshot> {
  const snapshot: ContainerSnapshot = { database, container, exists: true, documents: new Map() };
  try {
    const iterator = client
      .database(database)
      .container(container)
      // Pages as large as the service makes them (it cuts each at 4 MB): a million documents in a few hundred
      // round trips, not a thousand.
      .items.query<Record<string, unknown>>('SELECT * FROM c', { maxItemCount: 10_000 });
    while (iterator.hasMoreResults()) {
      const page = await iterator.fetchNext();
      for (const document of page.resources ?? []) snapshot.documents.set(String(document.id), document);
    }
  } catch (error) {
    if ((error as { code?: number }).code === 404) return { ...snapshot, exists: false };
    throw error;
  }
  return snapshot;
}
