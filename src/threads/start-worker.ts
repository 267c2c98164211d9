// Starting a worker thread from a module beside the caller. Built, the worker is the
// .js beside the caller's .js; from source (tests, tsx) it is the .ts, and a worker
// thread does not inherit tsx's loader, so a two-line script registers it first.
import { Worker } from 'node:worker_threads';

export function startWorker(callerUrl: string, name: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), { workerData });
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const file = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  const boot = `import(${api}).then(({ register }) => { register(); return import(${file}); });`;
  return new Worker(boot, { eval: true, workerData });
}
