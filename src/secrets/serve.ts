import type { Controller, ControllerContext } from '../serve/controller.js';
import { SecretsController } from './controller.js';
import { onMembersChanged, registryMembers } from './serve-members.js';

/** The `secrets` controller of `meridian serve`: members from the cluster registry, each with the CA from its credentials Secret. */
export class SecretsServeController implements Controller {
  private readonly inner: SecretsController;

  constructor(ctx: ControllerContext) {
    this.inner = new SecretsController({
      list: async () => (await registryMembers(ctx)).map(({ name, client, server, caPem }) => ({ name, client, server, caPem })),
      subscribe: (onChange) => onMembersChanged(ctx, onChange),
    }, ctx.log.child({ controller: 'secrets' }));
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
