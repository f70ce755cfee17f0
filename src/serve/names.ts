/** Every controller `meridian serve` knows, in start order. Each capability adds its name here. */
export const CONTROLLER_NAMES = ['clusters', 'gitops', 'traffic', 'discovery', 'dashboard', 'scheduling', 'secrets', 'secretstores'] as const;
