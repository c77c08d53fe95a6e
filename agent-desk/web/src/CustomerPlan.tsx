// The customer's own side of their plan, under the Services panel's plan: what they said they will do (added
// on their plan page), and the link that opens the page: send one on their channel, or stop every link at once.
// Reloads when the conversation changes (the customer adding or finishing an action says so).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { api } from './api.ts';
import { plainError, useSocketEvent } from './handoffs.ts';
import type { CustomerPlanDeskView, FollowUpView } from '../../shared/views.ts';
import { wellbeingInWords } from '../../../hub/followup/wellbeing.ts';

type OwnPlan = CustomerPlanDeskView;

const STEP_WORDS: Record<FollowUpView['step'], string> = {
  wellbeing: 'Asked; no answer yet',
  services: 'Part answered; waiting for the rest',
  comment: 'Part answered; waiting for the rest',
  done: 'Answered',
  set_aside: 'Not answered (they wrote about something else, or said stop)',
  not_sent: 'Not sent: nothing reaches the customer',
};

const day = (iso: string) => new Date(iso).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' });
const moment = (iso: string) => new Date(iso).toLocaleString('en-GB', { day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit' });

export function CustomerPlan({ planId, conversationId, socket }: { planId: string; conversationId: string; socket: Socket | null }) {
  const [plan, setPlan] = useState<OwnPlan | null>(null);
  const [error, setError] = useState('');
  const [said, setSaid] = useState('');
  const [busy, setBusy] = useState(false);
  const current = useRef(planId);
  current.current = planId;

  const load = useCallback(async () => {
    const asked = current.current;
    try {
      const { plan: loaded } = await api<{ plan: OwnPlan }>(`/api/plans/${asked}`);
      if (asked === current.current) setPlan(loaded);
    } catch (e) {
      if (asked === current.current) setError(plainError(e));
    }
  }, []);
  useEffect(() => {
    setPlan(null);
    setSaid('');
    setError('');
    void load();
  }, [planId, load]);
  useSocketEvent<{ conversationId: string }>(socket, 'conversation.updated', (event) => {
    if (event.conversationId === conversationId) void load();
  });
  useSocketEvent(socket, 'desk.resync', () => void load());

  const act = async (method: 'POST' | 'DELETE') => {
    setBusy(true);
    setError('');
    setSaid('');
    try {
      if (method === 'POST') {
        const sent = await api<{ link: { expiresAt: string } }>(`/api/plans/${planId}/links`, { method });
        setSaid(`Link sent. It works until ${day(sent.link.expiresAt)}.`);
      } else {
        const stopped = await api<{ revoked: number }>(`/api/plans/${planId}/links`, { method });
        setSaid(stopped.revoked ? 'No link to this plan works now.' : 'No link was working.');
      }
      await load();
    } catch (e) {
      setError(plainError(e));
    } finally {
      setBusy(false);
    }
  };

  const links = plan?.links;
  return (
    <div id="customer-plan">
      <h4 id="own-actions-title">What the customer will do</h4>
      {plan && plan.actions.length === 0 ? <p className="hint">Nothing added yet. The customer can add to their plan from its link.</p> : null}
      <ul id="own-actions" className="plan-list" aria-labelledby="own-actions-title" hidden={!plan?.actions.length}>
        {plan?.actions.map((a) => (
          <li key={a.id}>
            {a.text}
            <span className="meta">{`${a.addedBy === 'customer' ? 'Added by the customer' : 'Added by an agent'}${a.doneAt ? ` · done ${moment(a.doneAt)}` : ' · not done yet'}`}</span>
          </li>
        ))}
      </ul>
      <h4 id="follow-ups-title">How the customer says things are</h4>
      {plan && plan.followUps.length === 0 ? (
        <p className="hint">Not asked yet. They are asked when the plan closes, and every few weeks while it is open.</p>
      ) : null}
      <ul id="follow-ups" className="plan-list" aria-labelledby="follow-ups-title" hidden={!plan?.followUps.length}>
        {plan?.followUps.map((f) => (
          <li key={f.id}>
            {f.wellbeing ? <strong>{`Things are ${wellbeingInWords(f.wellbeing)}`}</strong> : STEP_WORDS[f.step]}
            <span className="meta">{`${f.reason === 'plan_closed' ? 'Asked when the plan closed' : 'Asked while the plan is open'}, ${moment(f.askedAt)}${f.wellbeing ? ` · ${STEP_WORDS[f.step]}` : ''}`}</span>
            {f.services.some((s) => s.helped !== null) ? (
              <ul>
                {f.services.map((s) => (
                  <li key={s.reference}>{`${s.service}: ${s.helped === null ? 'not answered' : s.helped ? 'helped' : 'did not help'}`}</li>
                ))}
              </ul>
            ) : null}
            {f.comment ? <blockquote className="follow-up-comment">{f.comment}</blockquote> : null}
          </li>
        ))}
      </ul>
      <h4 id="plan-link-title">Link to their plan</h4>
      <p className="hint" id="plan-link-state">
        {!links
          ? 'Loading…'
          : links.working
            ? `${links.working === 1 ? 'A link works' : `${links.working} links work`} until ${day(links.worksUntil!)}.${links.lastOpenedAt ? ` Last opened ${moment(links.lastOpenedAt)}.` : ' Not opened yet.'}`
            : 'No link works now.'}
      </p>
      <button type="button" disabled={busy} aria-describedby="plan-link-state" onClick={() => void act('POST')}>
        Send plan link
      </button>{' '}
      {links?.working ? (
        <button type="button" className="secondary" disabled={busy} onClick={() => void act('DELETE')}>
          Stop the link working
        </button>
      ) : null}
      <p role="status" id="plan-link-said">
        {said}
      </p>
      {error ? <p role="alert">{error}</p> : null}
    </div>
  );
}
