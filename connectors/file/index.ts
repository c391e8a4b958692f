import type { RegisteredPlugin } from '../runtime/api/plugins.ts';
import { FileStreamSinkConnector, FileStreamSinkTask } from './sink.ts';
import { FileStreamSourceConnector, FileStreamSourceTask } from './source.ts';

/** Apache's FileStream connectors under their class names, so one connector JSON runs on both runtimes. */
export const fileConnectorPlugins: RegisteredPlugin[] = [
  {
    type: 'source',
    kind: 'source',
    className: 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    version: '4.1.2',
    create: () => new FileStreamSourceConnector(),
    createTask: () => new FileStreamSourceTask(),
  },
  {
    type: 'sink',
    kind: 'sink',
    className: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    version: '4.1.2',
    create: () => new FileStreamSinkConnector(),
    createTask: () => new FileStreamSinkTask(),
  },
];
