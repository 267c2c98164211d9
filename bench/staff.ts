// The staff desk under load: the queue page and a filtered search, signed in,
// with 10,000 and with 1,000,000 seeded requests. Filled in once the desk exists.
import type { BenchContext, Scenario } from './scenarios.js';

export function staffScenarios(_ctx: BenchContext): Scenario[] {
  return [];
}
