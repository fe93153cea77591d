/**
 * The environment of a service a test starts as an OS process: only what a deployment sets
 * (`vars`), plus PATH, HOME and TMPDIR; nothing else of the test worker's environment leaks in.
 */
export function childEnv(vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    ...vars,
  };
}
