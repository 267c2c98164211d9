// The licence as a document: one page in the request's language, with a print stylesheet for A4, for the requester
// (from their page) and the desk. It states the licence in full and carries the public check's address, as text
// and as a QR code, with the number and verification code filled in.
import type { Request, Response } from 'express';
import { renderSVG } from 'uqr';
import type { Services } from '../../services/services.js';
import type { Config } from '../../config.js';
import type { StoredRequest } from '../../domain/request.js';
import type { RequesterView } from '../../services/requester-pages.js';
import { formatLicenceCode } from '../../domain/licence.js';
import { i18nFor, isLocale } from '../../i18n/index.js';
import { AppError, notFound } from '../../errors.js';
import { pageHtml, renderPage } from '../core/render.js';
import { PdfUnavailable } from '../../pdf/chromium-pdf.js';

function licenceData(config: Readonly<Config>, licensingRequest: StoredRequest, fields: RequesterView['fields']) {
  if (fields.status !== 'licensed' || !fields.licence_number || !fields.licence_code) throw notFound();
  const code = formatLicenceCode(fields.licence_code);
  const query = new URLSearchParams({ number: fields.licence_number, code });
  const checkUrl = `${config.publicBaseUrl}/licences/verify?${query.toString()}`;
  return {
    request: licensingRequest,
    fields,
    code,
    checkUrl,
    qr: renderSVG(checkUrl, { border: 2 }),
    publisher: config.publisher,
    feeMinor: fields.accepted_amount_minor ?? fields.final_fee_minor ?? fields.quote_total_minor,
  };
}

export function licencePages(services: Services, config: Readonly<Config>) {
  function pageData(req: Request, res: Response, licensingRequest: StoredRequest | undefined, pdfHref: string) {
    if (!licensingRequest) throw notFound();
    if (!isLocale(req.query.lang)) res.locals.locale = licensingRequest.locale;
    res.set('X-Robots-Tag', 'noindex');
    const fields = services.requesterPages.view(licensingRequest).fields;
    const data = licenceData(config, licensingRequest, fields);
    const i18n = i18nFor(res.locals.locale);
    // The QR code is an image to assistive technology, named in the page's language.
    const label = i18n.t('licence.qr').replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
    const qr = data.qr.replace('<svg ', `<svg role="img" aria-label="${label}" `);
    return { ...data, qr, pdfHref: `${pdfHref}?lang=${i18n.locale}` };
  }

  const show = (req: Request, res: Response, licensingRequest: StoredRequest | undefined, pdfHref: string) =>
    renderPage(res, 200, 'public/licence', pageData(req, res, licensingRequest, pdfHref));

  /** The same document printed by Chromium, styles and fonts inline; a server without Chromium says so (503). */
  async function pdf(req: Request, res: Response, licensingRequest: StoredRequest | undefined) {
    const data = pageData(req, res, licensingRequest, '');
    const html = pageHtml(res, 'public/licence', {
      ...data,
      pdfHref: null,
      inlineStyles: services.licencePdf.styles(),
    });
    let file: Buffer;
    try {
      file = await services.licencePdf.print(html);
    } catch (error) {
      if (!(error instanceof PdfUnavailable)) throw error;
      req.log?.warn({ err: error }, 'licence PDF unavailable');
      throw new AppError(503, 'pdf_unavailable', 'The licence PDF cannot be made on this server.', undefined, {
        retryAfterSeconds: 3600,
      });
    }
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', `attachment; filename="${data.fields.licence_number}.pdf"`);
    res.send(file);
  }

  const byToken = (req: Request) => services.requesterPages.findByAccessToken(String(req.params.token));
  const byReference = (req: Request) => services.deskRequests.find(String(req.params.reference));
  return {
    forRequester: (req: Request, res: Response) =>
      show(req, res, byToken(req), `/licensing/requests/${String(req.params.token)}/licence.pdf`),
    forDesk: (req: Request, res: Response) =>
      show(req, res, byReference(req), `/staff/requests/${String(req.params.reference)}/licence.pdf`),
    pdfForRequester: (req: Request, res: Response) => pdf(req, res, byToken(req)),
    pdfForDesk: (req: Request, res: Response) => pdf(req, res, byReference(req)),
  };
}
