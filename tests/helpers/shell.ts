// Commands run as an operator types them: through /bin/sh, in a clean environment (none of the
// test runner's settings) with this Node first on the PATH, so that `#!/usr/bin/env node` and npm
// run the Node the suite runs on.
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export function shellEnv(extra: Record<string, string> = {}, pathFirst: string[] = []): NodeJS.ProcessEnv {
  return {
    PATH: [...pathFirst, path.dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(path.delimiter),
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'test',
    PASSWORD_SCRYPT_LOG2N: '12',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    ...extra,
  };
}

/** A command line run by /bin/sh, as typed; stdout as bytes (it may be a CSV with a byte-order mark). */
export function sh(line: string, cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync('/bin/sh', ['-c', line], { cwd, env, encoding: 'buffer', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}
