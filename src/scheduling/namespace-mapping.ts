import type { NamespaceOffloading } from '../api/offloading.js';

/**
 * The namespace a local namespace maps to in a peer, per Liqo's namespaceMappingStrategy:
 * DefaultName `<namespace>-<source cluster>` (unique per source, no conflicts), EnforceSameName
 * the same name, SelectedName `remoteNamespaceName`. Without a NamespaceOffloading (Admiralty's
 * elected pods) the delegate keeps its namespace, as Admiralty does.
 */
export function remoteNamespace(namespace: string, source: string, offloading: NamespaceOffloading | undefined): string {
  const strategy = offloading?.spec.namespaceMappingStrategy ?? (offloading ? 'DefaultName' : 'EnforceSameName');
  if (strategy === 'EnforceSameName') return namespace;
  if (strategy === 'SelectedName') {
    const name = offloading?.spec.remoteNamespaceName;
    if (!name || !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) {
      throw new Error(`NamespaceOffloading ${namespace}/${offloading?.metadata?.name}: spec.remoteNamespaceName must be a DNS label when namespaceMappingStrategy is SelectedName, got "${name ?? ''}"`);
    }
    return name;
  }
  return `${namespace}-${source}`.slice(0, 63).replace(/-+$/, '');
}
