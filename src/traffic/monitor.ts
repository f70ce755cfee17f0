import { initialHealth, nextHealth, type HealthState, type Thresholds } from './health.js';
import { probe as defaultProbe, type ProbeResult, type ProbeTarget } from './probe.js';

/** What one monitored backend is checked with. */
export interface CheckConfig extends Thresholds {
  target: ProbeTarget;
  intervalMs: number;
}

interface Check {
  config: CheckConfig;
  signature: string;
  state: HealthState;
  timer?: NodeJS.Timeout;
  stopped: boolean;
}

/**
 * Runs one probe loop per backend, each on its own interval (measured from probe start, so a slow
 * probe does not stretch the period), and calls `onChange(key)` whenever a backend's health flips.
 * A backend whose target or thresholds change keeps its state only if the target stayed the same.
 */
export class HealthMonitor {
  private readonly checks = new Map<string, Check>();

  constructor(private readonly onChange: (key: string, state: HealthState) => void, private readonly probe: (t: ProbeTarget) => Promise<ProbeResult> = defaultProbe) {}

  /** Starts or updates the check of one backend. */
  set(key: string, config: CheckConfig): void {
    const signature = JSON.stringify(config);
    const existing = this.checks.get(key);
    if (existing?.signature === signature) return;
    const sameTarget = existing && JSON.stringify(existing.config.target) === JSON.stringify(config.target);
    if (existing) this.halt(existing);
    const check: Check = { config, signature, state: sameTarget ? existing.state : initialHealth(), stopped: false };
    this.checks.set(key, check);
    void this.run(key, check);
  }

  /** Stops every check whose key is not in `keys`. */
  retain(keys: Set<string>): void {
    for (const [key, check] of this.checks) {
      if (keys.has(key)) continue;
      this.halt(check);
      this.checks.delete(key);
    }
  }

  /** The current health of a backend, undefined when it is not monitored. */
  state(key: string): HealthState | undefined {
    return this.checks.get(key)?.state;
  }

  /** Stops every loop. */
  stop(): void {
    this.retain(new Set());
  }

  private halt(check: Check): void {
    check.stopped = true;
    if (check.timer) clearTimeout(check.timer);
  }

  private async run(key: string, check: Check): Promise<void> {
    if (check.stopped) return;
    const started = Date.now();
    const result = await this.probe(check.config.target);
    if (check.stopped) return;
    const before = check.state.health;
    check.state = nextHealth(check.state, result, check.config);
    if (check.state.health !== before) this.onChange(key, check.state);
    const delay = Math.max(0, check.config.intervalMs - (Date.now() - started));
    check.timer = setTimeout(() => void this.run(key, check), delay);
  }
}
