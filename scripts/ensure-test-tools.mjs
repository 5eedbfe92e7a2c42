// Part of `npm test`: the end-to-end TUI test drives the real terminal UI inside tmux. On a fresh
// machine tmux may be missing; install it from Debian's packages when we can (root + apt-get).
import { spawnSync } from 'node:child_process';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (!has('tmux')) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && has('apt-get')) {
    process.stderr.write('installing tmux for the TUI end-to-end test (apt-get)\n');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', 'tmux'], { stdio: 'inherit', env });
    if (r.status !== 0) process.stderr.write('could not install tmux: the TUI end-to-end test will fail and say so\n');
  } else {
    process.stderr.write('tmux is not installed: install it (e.g. apt-get install tmux) or the TUI end-to-end test fails\n');
  }
}
