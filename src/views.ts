// The two Eta engines: one for HTML (auto-escaping on, so user text is always inert) and one for plain-text
// email bodies, where escaping would corrupt text.
import { Eta } from 'eta';
import { projectPath } from './paths.js';

export interface ViewEngines {
  html: Eta;
  text: Eta;
}

export function createViews(cache: boolean): ViewEngines {
  const views = projectPath('views');
  return {
    html: new Eta({ views, cache, autoEscape: true, autoTrim: [false, 'nl'] }),
    // Plain text keeps every line break as written: trimming would run lines together.
    text: new Eta({ views, cache, autoEscape: false, autoTrim: false }),
  };
}
