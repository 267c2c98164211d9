// The licence as a document: one page in the request's language, with a print stylesheet for A4, for the requester
// (from their page) and the desk. It states the licence in full and carries the public check's address, as text
// and as a QR code, with the number and verification code filled in.
import type { Request, Response } from 'express';
import type { Services } from '../../services/services.js';
import type { Config } from '../../config.js';
import type { StoredRequest } from '../../domain/request.js';
import { hasLicence, licenceDocumentData } from '../../documents/licence-document.js';
import { isLocale } from '../../i18n/index.js';
import { AppError, notFound } from '../../errors.js';
import { pageHtml, renderPage } from '../core/render.js';
import { PdfUnavailable } from '../../pdf/chromium-pdf.js';

export function licencePages(services: Services, config: Readonly<Config>) {
  function pageData(req: Request, res: Response, licensingRequest: StoredRequest | undefined, pdfHref: string) {
    if (!licensingRequest) throw notFound();
    if (!isLocale(req.query.lang)) res.locals.locale = licensingRequest.locale;
    res.set('X-Robots-Tag', 'noindex');
    const fields = services.requesterPages.view(licensingRequest).fields;
    if (!hasLicence(fields)) throw notFound();
    const data = licenceDocumentData(config, services.legal, licensingRequest, fields, res.locals.locale);
    return { ...data, pdfHref: `${pdfHref}?lang=${res.locals.locale}` };
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
