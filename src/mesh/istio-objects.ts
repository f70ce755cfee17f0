import type { KubeObject } from '../kube/types.js';
import type { KeyPair } from './ca.js';
import { encodeData } from './secret-data.js';

/** Istio's namespace. */
export const ISTIO_NAMESPACE = 'istio-system';
/** The label that names a cluster's network (Istio multi-network). */
export const NETWORK_LABEL = 'topology.istio.io/network';
const PART_OF = { 'app.kubernetes.io/managed-by': 'meridian', 'mesh.meridian.dev/mesh': 'istio' };

/** One member's place in the mesh. */
export interface IstioMember {
  cluster: string;
  network: string;
}

/** The network of a cluster: one network per cluster (multi-primary, multi-network). */
export function networkOf(cluster: string): string {
  return `network-${cluster}`;
}

/** istio-system with the network label, as `kubectl label namespace istio-system topology.istio.io/network=...` leaves it. */
export function istioNamespace(m: IstioMember): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIO_NAMESPACE, labels: { ...PART_OF, [NETWORK_LABEL]: m.network } } };
}

/** The plug-in CA Secret istiod reads: intermediate cert and key, the root, and the chain up to it. */
export function cacertsSecret(intermediate: KeyPair, rootCert: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name: 'cacerts', namespace: ISTIO_NAMESPACE, labels: PART_OF },
    data: encodeData({ 'ca-cert.pem': intermediate.cert, 'ca-key.pem': intermediate.key, 'root-cert.pem': rootCert, 'cert-chain.pem': intermediate.cert + rootCert }),
  };
}

/** The control plane's IstioOperator, as `istioctl install` takes it for multi-primary, multi-network. */
export function controlPlaneOperator(meshId: string, m: IstioMember): KubeObject {
  return {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator',
    metadata: { name: 'meridian-control-plane', namespace: ISTIO_NAMESPACE, labels: PART_OF },
    spec: { values: { global: { meshID: meshId, multiCluster: { clusterName: m.cluster }, network: m.network } } },
  };
}

/** The east-west gateway's IstioOperator, what Istio's samples/multicluster/gen-eastwest-gateway.sh writes. */
export function eastWestGatewayOperator(m: IstioMember): KubeObject {
  return {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator',
    metadata: { name: 'eastwest', namespace: ISTIO_NAMESPACE, labels: PART_OF },
    spec: {
      revision: '', profile: 'empty',
      components: {
        ingressGateways: [{
          name: 'istio-eastwestgateway', enabled: true,
          label: { istio: 'eastwestgateway', app: 'istio-eastwestgateway', [NETWORK_LABEL]: m.network },
          k8s: {
            env: [{ name: 'ISTIO_META_REQUESTED_NETWORK_VIEW', value: m.network }],
            service: { ports: [
              { name: 'status-port', port: 15021, targetPort: 15021 },
              { name: 'tls', port: 15443, targetPort: 15443 },
              { name: 'tls-istiod', port: 15012, targetPort: 15012 },
              { name: 'tls-webhook', port: 15017, targetPort: 15017 },
            ] },
          },
        }],
      },
      values: { gateways: { 'istio-ingressgateway': { injectionTemplate: 'gateway' } }, global: { network: m.network } },
    },
  };
}

/** samples/multicluster/expose-services.yaml: every *.local service reachable through the east-west gateway, mTLS passed through. */
export function exposeServicesGateway(): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1beta1', kind: 'Gateway',
    metadata: { name: 'cross-network-gateway', namespace: ISTIO_NAMESPACE, labels: PART_OF },
    spec: {
      selector: { istio: 'eastwestgateway' },
      servers: [{ port: { number: 15443, name: 'tls', protocol: 'TLS' }, tls: { mode: 'AUTO_PASSTHROUGH' }, hosts: ['*.local'] }],
    },
  };
}
