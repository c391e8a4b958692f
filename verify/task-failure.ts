/**
 * A FAILED connector or task in the participant's terms: the innermost "Caused by" of its Java-style trace (the
 * outer lines are the worker's wrappers, "Exiting WorkerSinkTask due to unrecoverable exception."), the config
 * key it points to, and the fix.
 */
export interface Failure {
  /** The innermost cause's message, without the exception class. */
  cause: string;
  key?: string;
  fix: string;
}

const authWords =
  /\b(key|api-key|unauthori[sz]ed|forbidden|401|403|authoriz|authenticat|signature|credential|password)/i;
const secretKey = /(\.key|api\.key|master\.key|password|secret)$/i;

export function innermostCause(trace: string | undefined): string {
  const lines = (trace ?? '').split('\n');
  const causes = lines.filter((line) => line.startsWith('Caused by: '));
  const line = (causes.at(-1) ?? lines[0] ?? '').replace(/^Caused by: /, '').trim();
  // `com.example.SomeException: message` → `message` (the class name helps nobody at a workshop).
  const match = /^[\w.$]+(?:Exception|Error)(?::\s*(.*))?$/s.exec(line);
  return serviceMessage((match ? (match[1] ?? line) : line).trim());
}

/**
 * Azure answers errors as `Message: {"Errors":["<sentence>. <more>…"]}` (with request details after it): the
 * first sentence is the cause; the rest (signing payloads, links) only hides it.
 */
function serviceMessage(text: string): string {
  const errors = /"Errors":\s*\[\s*"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  if (!errors) return text;
  const sentence = errors.replace(/\\(.)/g, '$1').split(/(?<=\.)\s/)[0] ?? errors;
  return sentence.trim();
}

/** The config key a cause points at: one whose host appears in the message, else a secret on an auth error. */
export function keyOfCause(cause: string, config: Record<string, string>): string | undefined {
  for (const [key, value] of Object.entries(config)) {
    if (hostsOf(value).some((host) => cause.includes(host))) return key;
  }
  if (authWords.test(cause)) return Object.keys(config).find((key) => secretKey.test(key));
  return undefined;
}

export function describeFailure(trace: string | undefined, config: Record<string, string>): Failure {
  const cause = innermostCause(trace) || 'no trace was reported';
  const key = keyOfCause(cause, config);
  const fix = key
    ? `Fix ${key} in the connector config and apply it again (\`npx hack connectors apply <file>\`).`
    : 'See `npx hack connectors describe <name>` for the whole trace; fix the config and apply it again.';
  return { cause, key, fix };
}

/** `Task 0 of cosmos-source FAILED: <cause> (azure.cosmos.account.key). <fix>` — one line, one period each. */
export function failureLine(
  subject: string,
  trace: string | undefined,
  config: Record<string, string>,
): string {
  const failure = describeFailure(trace, config);
  const cause = failure.cause.replace(/[.\s]+$/, '');
  return `${subject} FAILED: ${cause}${failure.key ? ` (${failure.key})` : ''}. ${failure.fix}`;
}

/** `host:port` and (unless it is this machine) `host` of a URL value; nothing for other values. */
function hostsOf(value: string): string[] {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  try {
    const url = new URL(value);
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    return [url.port ? url.host : '', local ? '' : url.hostname].filter(Boolean);
  } catch {
    return [];
  }
}
