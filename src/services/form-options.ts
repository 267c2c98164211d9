// The form's option lists, from the schema's enums, so the form never offers a value the schema refuses;
// labelled and sorted in the page language, once per locale (docs/internals.md#option-tags).
import type { Locale } from '../domain/request.js';
import { i18nFor } from '../i18n/index.js';
import type { Validators } from '../validation/ajv.js';

type Defs = Record<string, { enum?: string[] }>;
interface Option {
  value: string;
  label: string;
}
export type FormOptions = ReturnType<typeof buildFormOptions>;

function buildFormOptions(validators: Validators, locale: Locale) {
  const defs = (validators.schema('defs').$defs ?? {}) as Defs;
  const i18n = i18nFor(locale);
  const collator = new Intl.Collator(locale);
  const enumOf = (name: string) => defs[name]?.enum ?? [];
  const labelled = (name: string, prefix: string): Option[] =>
    enumOf(name).map((value) => ({ value, label: i18n.t(`${prefix}.${value}`) }));
  const byLabel = (a: Option, b: Option) => collator.compare(a.label, b.label);
  return {
    organisationTypes: labelled('organisationType', 'enum.organisationType'),
    media: labelled('medium', 'enum.medium'),
    territories: labelled('territory', 'enum.territory'),
    portions: labelled('portion', 'enum.portion'),
    countries: enumOf('countryCode')
      .map((value) => ({ value, label: i18n.country(value) }))
      .sort(byLabel),
    languages: enumOf('languageCode')
      .map((value) => ({ value, label: i18n.language(value) }))
      .sort(byLabel),
  };
}

export function formOptionsService(validators: Validators) {
  const perLocale = new Map<Locale, FormOptions>();
  return (locale: Locale): FormOptions => {
    let options = perLocale.get(locale);
    if (!options) perLocale.set(locale, (options = buildFormOptions(validators, locale)));
    return options;
  };
}
