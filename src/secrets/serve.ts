import type { Controller, ControllerContext } from '../serve/controller.js';
import { secretValue, type SecretObject } from '../mesh/secret-data.js';
import { SecretsController } from './controller.js';
import type { SecretsMember } from './reconcile.js';

/** The `secrets` controller of `meridian serve`: members from the cluster registry, each with the CA from its credentials Secret. */
export class SecretsServeController implements Controller {
  private readonly inner: SecretsController;

  constructor(ctx: ControllerContext) {
    this.inner = new SecretsController({
      list: async () => {
        const out: SecretsMember[] = [];
        for (const m of ctx.registry.list()) {
          const ref = m.cluster.spec.secretRef;
          const caPem = secretValue(await ctx.hub.get<SecretObject>('v1', 'Secret', ref.name, ref.namespace), 'ca.crt');
          if (caPem) out.push({ name: m.name, client: m.client, server: m.cluster.spec.server, caPem });
        }
        return out;
      },
      subscribe: (onChange) => {
        ctx.registry.on('change', onChange);
        return () => ctx.registry.off('change', onChange);
      },
    }, ctx.log.child({ controller: 'secrets' }));
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  stop(): Promise<void> {
    return this.inner.stop();
  }
}
