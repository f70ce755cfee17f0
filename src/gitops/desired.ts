import type { Application } from '../api/application.js';
import type { KubeClient } from '../kube/client.js';
import type { KubeObject } from '../kube/types.js';
import type { GitCache } from './git/cache.js';
import { renderDirectory } from './render.js';
import type { SourceRenders } from './sources.js';
import { timed, type StageObserver } from './stages.js';
import { prepareObjects } from './sync/prepare.js';
import { checkSecretsInGit } from '../secrets/git-hygiene.js';

/** The desired state of an Application in its member, at one commit. */
export interface DesiredState {
  revision: string;
  objects: KubeObject[];
}

/** Why the desired state could not be computed: the source (Git) or the render. */
export class SourceError extends Error {
  constructor(readonly stage: 'source' | 'render', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceError';
  }
}

/** What desiredState may share and report. */
export interface DesiredOptions {
  /** Renders shared between Applications (one per path and commit); without it every call renders. */
  renders?: SourceRenders;
  /** Receives the durations of the git, render and prepare stages. */
  onStage?: StageObserver;
  /** The reconcile's deadline: ends waiting for Git. */
  signal?: AbortSignal;
}

/**
 * Fetches the Application's source revision, renders its path (kustomization or plain YAML) and
 * prepares the objects for the member (namespace, tracking label). Errors say which stage failed.
 */
export async function desiredState(app: Application, git: GitCache, member: KubeClient, opts: DesiredOptions = {}): Promise<DesiredState> {
  const src = app.spec.source;
  let checkout;
  try {
    checkout = await timed(opts.onStage, 'git', () => git.checkout(src.repoURL, src.targetRevision || 'HEAD', opts.signal));
  } catch (err) {
    throw new SourceError('source', (err as Error).message, { cause: err });
  }
  const c = checkout;
  let rendered: KubeObject[];
  try {
    rendered = checkSecretsInGit(app, await timed(opts.onStage, 'render', () => (opts.renders ? opts.renders.render(c.dir, c.sha, src.path ?? '') : renderDirectory(c.dir, src.path ?? ''))));
  } catch (err) {
    throw new SourceError('render', `${src.path ?? '.'} at ${c.sha.slice(0, 12)}: ${(err as Error).message}`, { cause: err });
  }
  const objects = await timed(opts.onStage, 'prepare', () => prepareObjects(rendered, member, { name: app.metadata?.name ?? '', namespace: app.metadata?.namespace ?? '' }, app.spec.destination.namespace));
  return { revision: c.sha, objects };
}
