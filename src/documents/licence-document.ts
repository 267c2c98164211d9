// The licence as one HTML document, for the page, its PDF and the PDF attached to the licence email: everything a
// licence states, in the request's language, with the public check's address as text and as a QR code.
import { renderSVG } from 'uqr';
import type { StoredRequest, Locale } from '../domain/request.js';
import { formatLicenceCode } from '../domain/licence.js';
import { i18nFor } from '../i18n/index.js';
import type { ViewEngines } from '../views.js';
import type { LegalTexts } from './legal-texts.js';

/** The desk's fields a licence shows. */
export interface LicenceFields {
  status: string;
  currency: string;
  licence_number: string | null;
  licence_code: string | null;
  licence_start: string | null;
  licence_end: string | null;
  licensed_at: string | null;
  credit_line: string | null;
  link_back: string | null;
  licence_conditions_version: string | null;
  accepted_name: string | null;
  accepted_amount_minor: number | null;
  final_fee_minor: number | null;
  quote_total_minor: number | null;
  licence_revoked_at: string | null;
  licence_version: number | null;
  licence_issued_at: string | null;
}

export interface LicensorSettings {
  publicBaseUrl: string;
  publisher: { name: string; address: string; contact: string };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML, its left-to-right isolates as markup: poppler would print the isolate characters out of place. */
function isolatesAsMarkup(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ESCAPES[c]!)
    .replace(/\u2066([^\u2069]*)\u2069/g, '<bdi dir="ltr">$1</bdi>')
    .replace(/[\u2066-\u2069]/g, '');
}

/** True when the request holds an issued licence with its code. */
export const hasLicence = (fields: LicenceFields) =>
  fields.status === 'licensed' && !!fields.licence_number && !!fields.licence_code;

/** What the licence view (views/public/licence.eta) needs; `locale` names the QR code for assistive technology. */
export function licenceDocumentData(
  settings: LicensorSettings,
  legal: LegalTexts,
  licensed: StoredRequest,
  fields: LicenceFields,
  locale: Locale,
) {
  const code = formatLicenceCode(fields.licence_code ?? '');
  const query = new URLSearchParams({ number: fields.licence_number ?? '', code });
  const checkUrl = `${settings.publicBaseUrl}/licences/verify?${query.toString()}`;
  const i18n = i18nFor(locale);
  const feeMinor = fields.accepted_amount_minor ?? fields.final_fee_minor ?? fields.quote_total_minor;
  const label = i18n.t('licence.qr').replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    request: licensed,
    fields,
    code,
    checkUrl,
    qr: renderSVG(checkUrl, { border: 2 }).replace('<svg ', `<svg role="img" aria-label="${label}" `),
    publisher: settings.publisher,
    conditions: legal.conditions(fields.licence_conditions_version, locale),
    feeHtml: feeMinor === null ? null : isolatesAsMarkup(i18n.money(feeMinor, fields.currency)),
    conditionsHeadingHtml: isolatesAsMarkup(
      i18n.t('licence.conditions', { version: `\u2066${fields.licence_conditions_version}\u2069` }),
    ),
  };
}

/** The whole page as a self-contained document (styles and fonts inline), as the PDF printer needs it. */
export function printableLicence(
  views: ViewEngines,
  settings: LicensorSettings,
  legal: LegalTexts,
  licensed: StoredRequest,
  fields: LicenceFields,
  inlineStyles: string,
): string {
  const i18n = i18nFor(licensed.locale);
  const data = licenceDocumentData(settings, legal, licensed, fields, licensed.locale);
  return views.html.render('public/licence', {
    ...data,
    locale: licensed.locale,
    i18n,
    t: i18n.t,
    assetVersion: '',
    pdfHref: null,
    langLinks: false,
    inlineStyles,
  });
}
