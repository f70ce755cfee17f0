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

/** What one naive pass did: applies, and the time spent in kustomize and in apply. */
export interface NaiveRun { applies: number; kustomizeMs: number; applyMs: number }

/** Renders and applies every app's overlay to its region with kubectl, sequentially. */
export async function naiveDeploy(repoDir: string, apps: number, kubeconfig: string): Promise<NaiveRun> {
  const run: NaiveRun = { applies: 0, kustomizeMs: 0, applyMs: 0 };
  for (let i = 0; i < apps; i++) {
    for (const region of BENCH_REGIONS) {
      let t = performance.now();
      const yaml = await sh('kubectl', ['kustomize', join(repoDir, 'apps', appName(i), 'overlays', region)]);
      run.kustomizeMs += performance.now() - t;
      t = performance.now();
      await sh('kubectl', ['--kubeconfig', kubeconfig, '--context', region, 'apply', '--server-side', '--force-conflicts', '--field-manager', 'naive-script', '-f', '-'], yaml);
      run.applyMs += performance.now() - t;
      run.applies++;
    }
  }
  return run;
}
