// The naive baseline: what a shell script does without a control plane, for every app and region
// `kubectl kustomize <overlay> | kubectl apply --server-side -f -`, one after another.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { appName, BENCH_REGIONS } from './repo.js';

function sh(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => (err ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Renders and applies every app's overlay to its region with kubectl, sequentially; returns the apply count. */
export async function naiveDeploy(repoDir: string, apps: number, kubeconfig: string): Promise<number> {
  let applies = 0;
  for (let i = 0; i < apps; i++) {
    for (const region of BENCH_REGIONS) {
      const yaml = await sh('kubectl', ['kustomize', join(repoDir, 'apps', appName(i), 'overlays', region)]);
      await sh('kubectl', ['--kubeconfig', kubeconfig, '--context', region, 'apply', '--server-side', '--force-conflicts', '--field-manager', 'naive-script', '-f', '-'], yaml);
      applies++;
    }
  }
  return applies;
}
