import type { Controller, ControllerContext } from '../serve/controller.js';
import { SecretStorePlanController } from './plan-controller.js';
import { onMembersChanged, registryMembers } from './serve-members.js';

/**
 * The `secretstores` controller of `meridian serve`: SecretStorePlans applied to the members of the
 * registry. Plans are hub-level work: with `--shards` only the hub shard's holder acts, and writes
 * to a member it does not hold are refused by that member's fence (reported in the plan's status).
 */
export class SecretStorePlanServeController implements Controller {
  private readonly inner: SecretStorePlanController;

  constructor(ctx: ControllerContext) {
    const source = {
      list: async () => (ctx.shards.ownsHub() ? registryMembers(ctx) : []),
      subscribe: (onChange: () => void) => onMembersChanged(ctx, onChange),
    };
    this.inner = new SecretStorePlanController(ctx.hub, source, ctx.log.child({ controller: 'secretstores' }));
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
