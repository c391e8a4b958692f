import { readFileSync } from 'node:fs';
import { readStack } from '../../infra/stack/stack-file.ts';
import { ConnectException } from './api/errors.ts';
import type { Props } from './api/plugins.ts';
import { parseProperties } from './java-properties.ts';

/**
 * KIP-297 config providers: `${env:VAR}`, `${file:/path/to.properties:key}` and our `${stack:kafka.bootstrapServers}`
 * (a dotted path into `.hack/stack.json`'s `services`). Values are resolved when a connector or task starts; the
 * REST API keeps showing the raw `${…}` text, as Apache does.
 */
export type ConfigProvider = (path: string, key: string | undefined) => string | undefined;

const pattern = /\$\{([A-Za-z0-9_.-]+):((?:[^:}]|:(?!\}))*?)(?::([^}]*))?\}/g;

/** A Java .properties file's entries, as Apache's FileConfigProvider reads them (UTF-8). */
export function readProperties(file: string): Record<string, string> {
  return parseProperties(readFileSync(file, 'utf8'));
}

function dotted(root: unknown, path: string): string | undefined {
  let current = root;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? undefined : String(current);
}

export function defaultProviders(env: NodeJS.ProcessEnv = process.env): Record<string, ConfigProvider> {
  return {
    // `${env:VAR}` has no key part; Apache's EnvVarConfigProvider also accepts `${env::VAR}`.
    env: (path, key) => env[key ?? path],
    file: (path, key) => (key === undefined ? undefined : readProperties(path)[key]),
    stack: (path, key) => dotted(readStack()?.services, key === undefined ? path : `${path}.${key}`),
  };
}

/** Replaces every `${provider:path:key}`; an unknown provider is left as is (Apache does the same). */
export function resolveConfig(props: Props, providers = defaultProviders()): Props {
  const resolved: Props = {};
  for (const [name, value] of Object.entries(props)) {
    resolved[name] = value.replace(
      pattern,
      (whole, provider: string, path: string, key: string | undefined) => {
        const lookup = providers[provider];
        if (!lookup) return whole;
        const result = lookup(path, key);
        if (result === undefined) {
          throw new ConnectException(
            `Could not resolve ${whole} in connector property '${name}': the ${provider} provider has no value there.`,
            {
              fix: `Check that ${provider === 'env' ? 'the environment variable is set in the worker' : provider === 'file' ? 'the file exists and has that key' : 'the service is in .hack/stack.json (npx hack status)'}.`,
            },
          );
        }
        return result;
      },
    );
  }
  return resolved;
}

/** Apache's reverse transform: task configs store the raw `${…}` text wherever it resolved to the same value. */
export function unresolve(taskConfig: Props, raw: Props, resolved: Props): Props {
  const result: Props = {};
  for (const [name, value] of Object.entries(taskConfig)) {
    result[name] =
      raw[name] !== undefined && resolved[name] === value && raw[name] !== value ? raw[name]! : value;
  }
  return result;
}

/** Replaces secret values by `[hidden]` in a text (a log line, a trace) before anyone sees it. */
export function maskSecrets(text: string, secrets: Array<string | undefined>): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) masked = masked.split(secret).join('[hidden]');
  }
  return masked;
}
