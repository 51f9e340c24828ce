/**
 * The environment as config sees it. src/config is the only place that reads process.env: main calls
 * processEnv() once and hands the result to the loaders; everything else receives values from the config.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** A snapshot of process.env. */
export function processEnv(): Env {
  return { ...process.env };
}
