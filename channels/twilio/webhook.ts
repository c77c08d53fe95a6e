// What every Twilio webhook shares: a form body with a size limit, and a signature over the public URL.
import express, { type Request, type Response } from 'express';
import twilio from 'twilio';

export const twilioForm = express.urlencoded({ extended: false, limit: 64 * 1024, parameterLimit: 200 });

/** Twilio signs the exact URL it called: behind a proxy that is the public URL, not the one we see. */
export function twilioSignatureIsValid(authToken: string, publicBaseUrl: string, req: Request): boolean {
  const signature = req.header('x-twilio-signature');
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, publicBaseUrl.replace(/\/+$/, '') + req.originalUrl, req.body ?? {});
}

export function refuse(res: Response, status: number, reason: string) {
  res.status(status).type('text/plain').send(reason);
}
