import type { NamespaceOffloading } from '../api/offloading.js';

/** Messages from WebhookServer to its process. */
export type ToWebhook =
  | { type: 'start'; address: string; port: number; cert: string; key: string }
  | { type: 'offloading'; id: number; offloading: NamespaceOffloading | undefined };

/** Messages from the webhook process to WebhookServer. */
export type FromWebhook =
  | { type: 'listening'; port: number }
  | { type: 'failed'; error: string }
  | { type: 'lookup'; id: number; cluster: string; namespace: string }
  | { type: 'warn'; fields: Record<string, unknown>; msg: string };
