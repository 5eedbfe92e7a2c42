import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { LaunchPlan } from './launch.js';
import { inheritableFds } from './proc.js';

/** Starts the plan's process in its own process group, console output appended to its console log. */
export async function spawnDetached(plan: LaunchPlan): Promise<ChildProcess> {
  const out = openSync(plan.paths.consoleLog, 'a');
  // Cover inherited non-CLOEXEC fds with /dev/null in the child (see inheritableFds).
  const leaked = await inheritableFds();
  const devNull = leaked.length > 0 ? openSync('/dev/null', 'r') : undefined;
  const stdio: StdioOptions = ['ignore', out, out];
  for (let fd = 3; devNull !== undefined && fd <= (leaked.at(-1) ?? 0); fd++) {
    stdio.push(leaked.includes(fd) ? devNull : 'ignore');
  }
  try {
    const child = spawn(plan.command, plan.args, {
      cwd: plan.cwd,
      env: plan.env,
      detached: true,
      stdio,
      ...(plan.runAs ? { uid: plan.runAs.uid, gid: plan.runAs.gid } : {}),
    });
    return await new Promise((resolve, reject) => {
      child.once('spawn', () => resolve(child));
      child.once('error', reject);
    });
  } finally {
    closeSync(out);
    if (devNull !== undefined) closeSync(devNull);
  }
}
