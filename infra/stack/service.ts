import type { Profile, StackServices } from './stack-file.ts';

/**
 * One service of the stack. `hack up` starts each in order (later ones may use the entries of earlier ones,
 * e.g. the worker needs Kafka's address), skips those whose recorded entry is still healthy, and restarts those
 * whose process died — so every service inherits "start only what is not running" by implementing this.
 */
export interface ServiceDefinition<Entry extends { pid?: number } = { pid?: number }> {
  name: string;
  /**
   * Started only when named (`hack up mysql`, a challenge that needs it) or already recorded in stack.json — not
   * by a bare `hack up`, so a challenge that does not use it does not wait for it.
   */
  onDemand?: boolean;
  /** Services that must be up before this one starts (e.g. the worker needs Kafka); the others start alongside. */
  dependsOn?: string[];
  /** Services it cannot run without: `hack up <this>` starts them too when they are not running. */
  needs?: string[];
  /** Shown by `hack status`: where to reach it. */
  describe(entry: Entry): string;
  /** Starts the service, waits until it answers, returns its stack.json entry. */
  start(context: StartContext): Promise<Entry>;
  /** True when the recorded entry still answers. */
  isHealthy(entry: Entry): Promise<boolean>;
  /** Stops it; the default stops `entry.pid` (SIGTERM, then SIGKILL after a timeout). */
  stop?(entry: Entry): Promise<void>;
}

export interface StartContext {
  profile: Profile;
  /** Entries of the services started before this one. */
  services: StackServices;
  /** Environment (with an --env file's values merged in) for profiles that read endpoints from it. */
  env: NodeJS.ProcessEnv;
  /** Use free ports instead of the well-known ones (tests). */
  ephemeralPorts: boolean;
  progress(message: string): void;
}
