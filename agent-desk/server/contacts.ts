// Contact that does not start on a channel, over HTTP: an agent records what a person told them in person, or
// writes first to a customer at an address on their record. The work is the hub's (hub/usecases/contacts.ts);
// these routes check the body, normalise the addresses, call, apply the effects and answer.
import express from 'express';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../../hub/db/client.ts';
import type { EffectsRunner } from '../../hub/effects.ts';
import { normaliseAddress } from '../../hub/identity/link.ts';
import { detectionView, type NeedsDetector } from '../../hub/needs/detector.ts';
import { contactOptions, recordContact, startOutbound, type NewCustomer } from '../../hub/usecases/contacts.ts';
import { invalid, refused } from './http.ts';
import { DetectionView } from './needs.ts';

const Text = (what: string, max: number) =>
  z
    .string({ error: `${what} is required` })
    .trim()
    .min(1, `${what} is empty`)
    .max(max, `${what} is longer than ${max} characters`);

export const InPersonBody = z
  .object({
    /** Someone already on record (found by the desk's customer search)… */
    customerId: z.uuid().optional(),
    /** …or a person new to the council. */
    newCustomer: z
      .object({
        displayName: Text('their name', 200),
        phone: z.string().trim().max(40).optional(),
        email: z.string().trim().max(320).optional(),
        postcode: z.string().trim().max(10).optional(),
      })
      .strict()
      .optional(),
    /** What they said, in their words. */
    story: Text('what they told you', 20_000),
    /** An id the desk makes for this form: sending it twice records one contact. */
    requestId: z.uuid({ error: 'requestId must be a UUID the desk makes for the form' }),
  })
  .strict()
  .refine((b) => Boolean(b.customerId) !== Boolean(b.newCustomer), {
    error: 'give customerId (someone on record) or newCustomer, not both',
    path: ['customerId'],
  });

export const InPersonResult = z.object({
  customerId: z.uuid(),
  conversationId: z.uuid(),
  messageId: z.uuid(),
  /** The needs and danger the detector sees in the story, for the agent to confirm with the person. */
  detection: DetectionView,
});

export const OutboundBody = z
  .object({
    customerId: z.uuid(),
    /** Which of their addresses to write to: a phone number (by text message) or an email address. */
    to: z.enum(['phone', 'email']),
    text: Text('the message', 1600),
  })
  .strict();

export const ContactOptions = z.object({
  /** Whether contact in person can be recorded (IN_PERSON_ENABLED). */
  inPerson: z.boolean(),
  /** The addresses an agent can write first to: a channel that reaches each is switched on. */
  writeTo: z.array(z.enum(['phone', 'email'])),
});

export interface ContactRouteDeps {
  db: Db;
  effects: EffectsRunner;
  needs: NeedsDetector;
  defaultCountry: CountryCode;
  enabledChannels: readonly ChannelKind[];
}

export function contactsRouter(deps: ContactRouteDeps) {
  const router = express.Router();

  // The New contact dialog offers only what this hub can do: no "send a text" when SMS is off.
  router.get('/api/contacts/options', (_req, res) => {
    res.json(ContactOptions.parse(contactOptions(deps.enabledChannels)));
  });

  router.post('/api/contacts/in-person', async (req, res) => {
    const body = InPersonBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    let customer: { id: string } | { new: NewCustomer };
    if (body.data.customerId) customer = { id: body.data.customerId };
    else {
      const given = body.data.newCustomer!;
      const addresses: NewCustomer['addresses'] = [];
      for (const kind of ['phone', 'email'] as const) {
        const raw = given[kind];
        if (!raw) continue;
        const address = normaliseAddress(kind, raw, deps.defaultCountry);
        if (!address)
          return void res.status(400).json({
            error: 'invalid request',
            issues: [{ path: `newCustomer.${kind}`, message: kind === 'phone' ? 'that is not a phone number we can use' : 'that is not an email address' }],
          });
        addresses.push({ kind, address });
      }
      customer = { new: { displayName: given.displayName, postcode: given.postcode?.toUpperCase() || undefined, addresses } };
    }
    const detection = DetectionView.parse(detectionView(deps.needs.detect(body.data.story)));
    try {
      const done = await recordContact(deps.db, {
        agentId: req.agent!.id,
        agentName: req.agent!.displayName,
        customer,
        story: body.data.story,
        requestId: body.data.requestId,
        urgent: detection.urgent,
        enabledChannels: deps.enabledChannels,
      });
      await deps.effects.run(done.effects);
      res.status(201).json(InPersonResult.parse({ customerId: done.customerId, conversationId: done.conversationId, messageId: done.messageId, detection }));
    } catch (error) {
      return refused(res, deps.effects, error);
    }
  });

  router.post('/api/contacts/outbound', async (req, res) => {
    const body = OutboundBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    try {
      const done = await startOutbound(deps.db, { agentId: req.agent!.id, enabledChannels: deps.enabledChannels, ...body.data });
      await deps.effects.run(done.effects);
      res.status(201).json({ conversationId: done.conversationId, messageId: done.reply.id });
    } catch (error) {
      return refused(res, deps.effects, error);
    }
  });

  return router;
}
