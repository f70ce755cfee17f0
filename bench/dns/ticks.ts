// Clock ticks per second of /proc CPU times (getconf CLK_TCK; 100 on Linux unless told otherwise).

import { execFileSync } from 'node:child_process';

let ticks: number | undefined;

/** USER_HZ, read once. */
export function clockTicksPerSecond(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}
