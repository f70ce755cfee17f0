import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { MemberSource } from '../../src/discovery/controller.js';
import type { DiscoveryMember } from '../../src/discovery/member-state.js';
import type { ClusterExport } from '../../src/discovery/model.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { Informer } from '../../src/kube/informer.js';
import { InformerSet } from '../../src/kube/informer-set.js';
import type { KubeObject } from '../../src/kube/types.js';

/** One cluster's export, with sensible defaults. */
export function exportOf(cluster: string, over: Partial<ClusterExport> = {}, svc: Partial<NonNullable<ClusterExport['service']>> = {}): ClusterExport {
  return {
    cluster, clusterReady: true, via: 'ServiceExport', exportedAt: '2024-01-01T00:00:00Z', shared: true, weight: 1,
    service: { type: 'ClusterSetIP', clusterIPs: ['10.0.0.1'], ports: [{ name: 'http', protocol: 'TCP', port: 80 }], sessionAffinity: 'None', ...svc },
    endpoints: [{ addresses: ['10.1.0.1'], ready: true }], slicePorts: [{ name: 'http', protocol: 'TCP', port: 8080 }], addressType: 'IPv4',
    ...over,
  };
}

/** What dig printed: the status and the data of each answer (and additional) record. */
export interface DigResult {
  status: string;
  answers: string[];
  additionals: string[];
  raw: string;
}

/**
 * Runs the real `dig` against a server on loopback; `source` binds the query to a loopback address.
 * Asynchronous on purpose: the server under test usually runs in this very process.
 */
export async function dig(port: number, name: string, type: string, opts: { server?: string; source?: string; tcp?: boolean } = {}): Promise<DigResult> {
  const args = [`@${opts.server ?? '127.0.0.1'}`, '-p', String(port), name, type, '+tries=1', '+time=3', '+nocmd', '+nostats', ...(opts.source ? ['-b', opts.source] : []), ...(opts.tcp ? ['+tcp'] : [])];
  const raw = await new Promise<string>((resolve) => {
    execFile('dig', args, { encoding: 'utf8', timeout: 15_000 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`));
  });
  const section = (title: string) => {
    const start = raw.indexOf(`;; ${title} SECTION:`);
    if (start < 0) return [];
    const lines = raw.slice(start).split('\n').slice(1);
    const end = lines.findIndex((l) => l.trim() === '');
    return lines.slice(0, end < 0 ? undefined : end).map((l) => l.split(/\s+/).slice(4).join(' '));
  };
  return { status: /status: (\w+)/.exec(raw)?.[1] ?? 'NO-ANSWER', answers: section('ANSWER'), additionals: section('ADDITIONAL'), raw };
}

/** A member backed by an admin client of a test API server; `ready` is set by the test. */
export class TestMember implements DiscoveryMember {
  ready = true;
  /** Kinds whose informer was asked for (a replica that does not hold the member must ask for none). */
  readonly informed: string[] = [];
  private readonly informers: InformerSet;

  constructor(readonly name: string, readonly client: KubeClient) {
    this.informers = new InformerSet(client);
  }

  informer<T extends KubeObject = KubeObject>(apiVersion: string, kind: string, namespace?: string): Informer<T> {
    this.informed.push(kind);
    return this.informers.get<T>(apiVersion, kind, namespace);
  }

  /** Stops the informers. */
  close(): void {
    this.informers.stop();
  }
}

/** A member source for tests: members are added and flipped Ready by hand, as the registry would. */
export class TestMemberSource extends EventEmitter implements MemberSource {
  readonly members: TestMember[] = [];

  list(): TestMember[] {
    return this.members;
  }

  /** Flips a member's readiness and tells the controller, like the cluster manager's probe. */
  setReady(name: string, ready: boolean): void {
    const m = this.members.find((x) => x.name === name);
    if (!m) throw new Error(`no member ${name}`);
    m.ready = ready;
    this.emit('change', name);
  }
}
