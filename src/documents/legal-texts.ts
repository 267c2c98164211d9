// The publisher's licence conditions (one folder of versions, each in English, French and Arabic) and privacy notice,
// as plain text files in config/documents/: "# " starts a section, every other line is a paragraph. A licence shows
// the conditions of the version it was issued under, so a later version never changes an issued licence. Checked
// at start: a version or notice missing a language stops the service with the file it wanted.
import fs from 'node:fs';
import path from 'node:path';
import type { Locale } from '../domain/request.js';

export interface Section {
  heading: string;
  paragraphs: string[];
}

const LOCALES: Locale[] = ['en', 'fr', 'ar'];

function parse(text: string): Section[] {
  const sections: Section[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('# ')) sections.push({ heading: line.slice(2).trim(), paragraphs: [] });
    else if (sections.length) sections[sections.length - 1]!.paragraphs.push(line);
    else sections.push({ heading: '', paragraphs: [line] });
  }
  return sections;
}

export class LegalTextsError extends Error {}

export function loadLegalTexts(dir: string) {
  const read = (file: string) => {
    const where = path.join(dir, file);
    if (!fs.existsSync(where)) throw new LegalTextsError(`Missing legal document ${where}`);
    return parse(fs.readFileSync(where, 'utf8'));
  };
  const versions = [
    ...new Set(
      fs
        .readdirSync(path.join(dir, 'conditions'))
        .map((file) => /^(\d{4}-\d{2}(?:-[a-z0-9]+)?)\.(en|fr|ar)\.txt$/.exec(file)?.[1])
        .filter((version): version is string => !!version),
    ),
  ].sort();
  if (!versions.length) throw new LegalTextsError(`No licence conditions in ${path.join(dir, 'conditions')}`);
  const conditions = new Map(
    versions.map((version) => [
      version,
      Object.fromEntries(LOCALES.map((locale) => [locale, read(`conditions/${version}.${locale}.txt`)])) as Record<
        Locale,
        Section[]
      >,
    ]),
  );
  const privacy = Object.fromEntries(LOCALES.map((locale) => [locale, read(`privacy/${locale}.txt`)])) as Record<
    Locale,
    Section[]
  >;
  const current = versions[versions.length - 1]!;
  return {
    /** The version new acceptances and licences record: the newest file name. */
    conditionsVersion: current,
    /** The conditions of `version` (the current ones for a version no longer on disk). */
    conditions: (version: string | null, locale: Locale): Section[] =>
      (conditions.get(version ?? current) ?? conditions.get(current)!)[locale],
    /** The privacy notice with {controller}, {contact} and {retention} filled in. */
    privacy(locale: Locale, fill: Record<'controller' | 'contact' | 'retention', string>): Section[] {
      const put = (text: string) =>
        text.replace(/\{(controller|contact|retention)\}/g, (_m, key: keyof typeof fill) => fill[key]);
      return privacy[locale].map((section) => ({
        heading: put(section.heading),
        paragraphs: section.paragraphs.map(put),
      }));
    },
  };
}

export type LegalTexts = ReturnType<typeof loadLegalTexts>;
