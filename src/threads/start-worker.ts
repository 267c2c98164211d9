// Starting a worker thread from a module beside the caller: the .js beside the caller's .js when built; from
// source (tests, tsx) the .ts, after a short script registers tsx's loader, which a thread does not inherit.
import { Worker } from 'node:worker_threads';

export function startWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const file = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  const boot = `import(${api}).then(({ register }) => { register(); return import(${file}); });`;
  return new Worker(boot, { eval: true, workerData });
}
