// Lazy command registration: a command module (and everything it imports: the Kubernetes client,
// Fastify, controllers) is loaded only when one of its commands is on the command line, so
// `meridian --help` and `meridian render` start in a fraction of the time.
import type { Command } from 'commander';

/** Registers a command module's commands on the program (the module's `register...` export). */
export type Register = (program: Command) => void;

/** One command module: its top-level command names with their one-line summaries, and its loader. */
export interface LazyModule {
  summaries: Record<string, string>;
  load: () => Promise<Register>;
}

/** The top-level command named on `argv` (node, script, ...args): the first non-option, or the one after `help`. */
export function requestedCommand(argv: readonly string[]): string | undefined {
  const args = argv.slice(2).filter((a) => !a.startsWith('-'));
  return args[0] === 'help' ? args[1] : args[0];
}

/**
 * Registers every module on `program`: the module owning the requested command is loaded and
 * registers itself in full; the others appear as name and summary only (enough for `--help`).
 */
export async function registerLazily(program: Command, modules: readonly LazyModule[], argv: readonly string[]): Promise<void> {
  const wanted = requestedCommand(argv);
  for (const m of modules) {
    if (wanted !== undefined && Object.hasOwn(m.summaries, wanted)) (await m.load())(program);
    else for (const [name, summary] of Object.entries(m.summaries)) program.command(name).description(summary);
  }
}
