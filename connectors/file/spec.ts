import type { ConfigSpec } from '../runtime/api/config.ts';

/** The keys of Apache's FileStream connectors (`connect-file`), with its defaults and documentation. */
export const fileSourceSpec: ConfigSpec = {
  keys: [
    {
      name: 'file',
      type: 'STRING',
      default: null,
      importance: 'HIGH',
      documentation: 'Source filename. If not specified, the standard input will be used',
    },
    {
      name: 'topic',
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The topic to publish data to',
      validate: (value) =>
        typeof value === 'string' && value.trim() === ''
          ? `Invalid value ${value} for configuration topic: String must be non-empty`
          : undefined,
    },
    {
      name: 'batch.size',
      type: 'INT',
      default: 2000,
      importance: 'LOW',
      documentation:
        'The maximum number of records the source task can read from the file each time it is polled',
    },
  ],
};

export const fileSinkSpec: ConfigSpec = {
  keys: [
    {
      name: 'file',
      type: 'STRING',
      default: null,
      importance: 'HIGH',
      documentation: 'Destination filename. If not specified, the standard output will be used',
    },
  ],
};
