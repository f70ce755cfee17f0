import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layoutFleet, type FleetShapeOptions, type FleetSpec } from './layout.js';

/** Path of the recorded fleet shape. */
export function fleetFile(stateDir: string): string {
  return join(stateDir, 'fleet.json');
}

/** Reads the fleet recorded in a state directory; undefined when none was brought up there. */
export function loadFleet(stateDir: string): FleetSpec | undefined {
  const path = fleetFile(stateDir);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as FleetSpec;
}

/** Like loadFleet, but throws a clear error when there is no fleet. */
export function requireFleet(stateDir: string): FleetSpec {
  const spec = loadFleet(stateDir);
  if (!spec) throw new Error(`no local fleet in ${stateDir}: run \`meridian fleet up\` first`);
  return spec;
}

/**
 * The fleet to bring up: the recorded one when no shape was asked for, otherwise the new shape.
 * A recorded fleet keeps its ports and CIDRs so a warm start finds its etcd data where it left it.
 */
export function resolveFleet(stateDir: string, shape: FleetShapeOptions, shapeGiven: boolean): FleetSpec {
  const recorded = loadFleet(stateDir);
  if (recorded && !shapeGiven) return recorded;
  return layoutFleet({ ...shape, stateDir });
}

/** Records the fleet shape. */
export async function saveFleet(spec: FleetSpec): Promise<void> {
  await mkdir(spec.stateDir, { recursive: true });
  await writeFile(fleetFile(spec.stateDir), JSON.stringify(spec, null, 2));
}
