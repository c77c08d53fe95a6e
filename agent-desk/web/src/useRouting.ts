// My side of routing: my status (presence), the offers made to me (accept or decline; Alt+A, Alt+D), whether
// calls are put through to me; read on connect and kept live from the socket's offer, offer.ended and
// me.updated events.
import { useCallback, useEffect, useRef, useState } from 'react';
import { Answers, api, errorText, readView, type Offer, type Presence, type RoutingMe } from './api.ts';
import { CHANNEL_NAMES, contactLabel, PRESENCE_NOTE } from './text.ts';

interface RoutingOptions {
  enabled: boolean;
  /** An offer accepted: open its conversation (the offer is gone from the list already). */
  onAccepted: (conversationId: string) => Promise<void>;
}

export function useRouting({ enabled, onAccepted }: RoutingOptions) {
  const [me, setMe] = useState<RoutingMe | null>(null);
  const [presenceNote, setPresenceNote] = useState('');
  const [offers, setOffers] = useState<Map<string, Offer>>(new Map());
  const [announce, setAnnounce] = useState('');
  const [offerError, setOfferError] = useState('');
  const [takesCalls, setTakesCalls] = useState(false);

  const meRef = useRef<RoutingMe | null>(null);
  const offersRef = useRef(offers);
  offersRef.current = offers;
  const presenceChanges = useRef(0);
  const presenceRef = useRef<HTMLSelectElement>(null);
  const acceptedRef = useRef(onAccepted);
  acceptedRef.current = onAccepted;

  const renderMe = useCallback((next: RoutingMe) => {
    const changedByHub = meRef.current?.presence === 'available' && next.presence === 'away';
    meRef.current = next;
    setMe(next);
    setPresenceNote(changedByHub ? 'An offer ran out, so you are set to Away.' : (PRESENCE_NOTE[next.presence] ?? ''));
  }, []);

  /** Read again on connect and resync: missed events are not replayed. */
  const loadRouting = useCallback(() => {
    // A status chosen while this was on its way wins over what it read.
    const changes = presenceChanges.current;
    readView('/api/agents/me/routing', Answers.routing)
      .then(({ agent: mine, offers: list, takesCalls: calls }) => {
        if (changes === presenceChanges.current) renderMe(mine);
        setOffers(new Map(list.map((o) => [o.id, o])));
        setTakesCalls(calls);
      })
      .catch(() => {});
  }, [renderMe]);

  const onOffer = useCallback((offer: Offer) => {
    setOffers((prev) => new Map(prev).set(offer.id, offer));
    setAnnounce(
      offer.conversation.channelCapabilities.speaks
        ? `Incoming ${offer.conversation.urgent ? 'urgent ' : ''}call for you: ${contactLabel(offer.conversation.customer)}. Answer puts it through to your phone.`
        : `New ${offer.conversation.urgent ? 'urgent ' : ''}conversation offered: ${contactLabel(offer.conversation.customer)}, ${CHANNEL_NAMES[offer.conversation.channel] ?? offer.conversation.channel}.`,
    );
  }, []);

  const onOfferEnded = useCallback(({ offerId, status }: { offerId: string; status: string }) => {
    if (!offersRef.current.has(offerId)) return;
    setOffers((prev) => {
      const next = new Map(prev);
      next.delete(offerId);
      return next;
    });
    if (status === 'expired') setAnnounce('An offer ran out and went to someone else.');
    if (status === 'withdrawn') setAnnounce('An offer was withdrawn: someone else has that conversation.');
  }, []);

  const answerOffer = useCallback(async (offer: Offer, answer: 'accept' | 'decline') => {
    setOfferError('');
    const drop = () =>
      setOffers((prev) => {
        const next = new Map(prev);
        next.delete(offer.id);
        return next;
      });
    try {
      const { conversationId } = await api<{ conversationId: string }>(`/api/offers/${offer.id}/${answer}`, { method: 'POST' });
      drop();
      if (answer === 'accept') await acceptedRef.current(conversationId);
    } catch (e) {
      drop();
      setOfferError(errorText(e));
    }
  }, []);

  // Keys: Alt+A accepts the first offer, Alt+D declines it, Alt+S focuses my status.
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const first = offersRef.current.values().next().value;
      const key = event.key.toLowerCase();
      if (key === 'a' && first) void answerOffer(first, 'accept');
      else if (key === 'd' && first) void answerOffer(first, 'decline');
      else if (key === 's') presenceRef.current?.focus();
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled, answerOffer]);

  const changePresence = useCallback(
    async (presence: Presence) => {
      presenceChanges.current += 1;
      setMe((prev) => (prev ? { ...prev, presence } : prev));
      try {
        const { agent: mine } = await api<{ agent: RoutingMe }>('/api/agents/me/presence', { method: 'PUT', body: { presence } });
        renderMe(mine);
        if (mine.presence !== 'available') setOffers(new Map());
      } catch (e) {
        setPresenceNote(errorText(e));
      }
    },
    [renderMe],
  );

  return {
    me,
    presenceNote,
    presenceRef,
    offers,
    announce,
    offerError,
    takesCalls,
    loadRouting,
    onOffer,
    onOfferEnded,
    onMeUpdated: renderMe,
    answerOffer,
    changePresence,
  };
}
