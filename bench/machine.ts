// What the numbers were measured on: they mean little without it.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export function machine(): string {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
  let uptime = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  try {
    uptime = execSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    // loadavg above is enough
  }
  return [
    `cpu: ${os.availableParallelism()} × ${cpu}`,
    `memory: ${gib(os.totalmem())} total, ${gib(os.freemem())} free`,
    `node ${process.version}, ${os.type()} ${os.release()}`,
    `load: ${uptime}`,
  ].join('\n');
}
