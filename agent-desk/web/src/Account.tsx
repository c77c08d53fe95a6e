// "Your account": change your password and sign out everywhere (every account); for admins, disabling and
// enabling accounts and lifting sign-in locks. Every result and error is said in a live region, in plain words.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorText, type Agent } from './api.ts';

interface AccountRow {
  id: string;
  displayName: string;
  email: string;
  role: Agent['role'];
  disabled: boolean;
}
interface SignInLock {
  id: string;
  scope: 'account-address' | 'account' | 'address';
  agent: { id: string; email: string; displayName: string } | null;
  address: string | null;
  lockedUntil: string;
  reason: string;
}

const MIN_PASSWORD = 12;

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setDone('');
    if (next.length < MIN_PASSWORD) return setError(`The new password must be at least ${MIN_PASSWORD} characters.`);
    if (next !== repeat) return setError('The two new passwords are not the same.');
    setBusy(true);
    try {
      const { otherSessionsEnded } = await api<{ otherSessionsEnded: number }>('/api/auth/password', {
        method: 'POST',
        body: { currentPassword: current, newPassword: next },
      });
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(
        `Password changed.${otherSessionsEnded ? ` You were signed out everywhere else (${otherSessionsEnded} ${otherSessionsEnded === 1 ? 'session' : 'sessions'}).` : ''}`,
      );
    } catch (e) {
      setError(`${errorText(e).replace(/^./, (c) => c.toUpperCase())}.`);
    } finally {
      setBusy(false);
    }
  };
  const invalid = error ? true : undefined;
  return (
    <section aria-labelledby="password-title">
      <h3 id="password-title">Change your password</h3>
      <form id="password-form" onSubmit={submit} noValidate>
        <label htmlFor="current-password">Current password</label>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          aria-invalid={invalid}
          aria-describedby="password-error"
        />
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          value={next}
          onChange={(e) => setNext(e.target.value)}
          aria-invalid={invalid}
          aria-describedby="new-password-hint password-error"
        />
        <p id="new-password-hint" className="hint">
          At least {MIN_PASSWORD} characters. A few unrelated words make a good one.
        </p>
        <label htmlFor="repeat-password">New password again</label>
        <input
          id="repeat-password"
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          aria-invalid={invalid}
          aria-describedby="password-error"
        />
        <button type="submit" disabled={busy}>
          Change password
        </button>
        <p id="password-error" role="alert">
          {error}
        </p>
        <p id="password-done" role="status">
          {done}
        </p>
      </form>
    </section>
  );
}

function SignOutEverywhere({ onLeaving, onSignedOut }: { onLeaving: () => void; onSignedOut: () => void }) {
  const [error, setError] = useState('');
  const signOut = async () => {
    setError('');
    onLeaving();
    try {
      await api('/api/auth/sign-out-everywhere', { method: 'POST' });
      onSignedOut();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section aria-labelledby="everywhere-title">
      <h3 id="everywhere-title">Sign out everywhere</h3>
      <p id="everywhere-note">
        Ends your sessions on every computer and browser, this one too. Use it if you left the desk open somewhere, or think someone else knows your password
        (then change it too).
      </p>
      <button type="button" aria-describedby="everywhere-note" onClick={() => void signOut()}>
        Sign out everywhere
      </button>
      <p role="alert">{error}</p>
    </section>
  );
}

function Accounts({ meId }: { meId: string }) {
  const [rows, setRows] = useState<AccountRow[] | null>(null);
  const [said, setSaid] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(async () => {
    const { agents } = await api<{ agents: AccountRow[] }>('/api/agents');
    setRows(agents);
  }, []);
  useEffect(() => void load().catch((e) => setError(errorText(e))), [load]);
  const toggle = async (row: AccountRow) => {
    setError('');
    setSaid('');
    try {
      await api(`/api/agents/${row.id}/${row.disabled ? 'enable' : 'disable'}`, { method: 'POST' });
      setSaid(row.disabled ? `${row.displayName} can sign in again.` : `${row.displayName} is disabled and was signed out everywhere.`);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section aria-labelledby="accounts-title">
      <h3 id="accounts-title">Accounts</h3>
      <p role="status">{said}</p>
      <p role="alert">{error}</p>
      {rows === null ? (
        <p>Loading…</p>
      ) : (
        <table id="account-list">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Can sign in</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.displayName}</th>
                <td>{row.email}</td>
                <td>{row.role}</td>
                <td>{row.disabled ? 'No: disabled' : 'Yes'}</td>
                <td>
                  {row.id === meId ? (
                    'This is you'
                  ) : (
                    <button type="button" aria-label={`${row.disabled ? 'Enable' : 'Disable'} ${row.displayName}`} onClick={() => void toggle(row)}>
                      {row.disabled ? 'Enable' : 'Disable'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function lockWho(lock: SignInLock): string {
  if (lock.scope === 'address') return 'Any account';
  return lock.agent ? `${lock.agent.displayName} (${lock.agent.email})` : 'An email with no account';
}

function SignInLocks() {
  const [locks, setLocks] = useState<SignInLock[] | null>(null);
  const [said, setSaid] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(async () => {
    const { locks: list } = await api<{ locks: SignInLock[] }>('/api/admin/sign-in-locks');
    setLocks(list);
  }, []);
  useEffect(() => void load().catch((e) => setError(errorText(e))), [load]);
  const lift = async (lock: SignInLock) => {
    setError('');
    setSaid('');
    try {
      await api(`/api/admin/sign-in-locks/${lock.id}`, { method: 'DELETE' });
      setSaid(`Lifted: ${lockWho(lock)} can try to sign in${lock.address ? ` from ${lock.address}` : ''} now.`);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section aria-labelledby="locks-title">
      <h3 id="locks-title">Sign-in locks</h3>
      <p>
        After too many wrong passwords, sign-in is locked for one account at one address, slowed for an account tried from many addresses, or locked for an
        address trying many accounts. Lift a lock when you know who it is, for example a colleague who mistyped.
      </p>
      <button type="button" onClick={() => void load().catch((e) => setError(errorText(e)))}>
        Refresh the list
      </button>
      <p role="status">{said}</p>
      <p role="alert">{error}</p>
      {locks === null ? (
        <p>Loading…</p>
      ) : locks.length === 0 ? (
        <p>No sign-ins are locked now.</p>
      ) : (
        <table id="lock-list">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Address</th>
              <th scope="col">Locked until</th>
              <th scope="col">Why</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {locks.map((lock) => (
              <tr key={lock.id}>
                <th scope="row">{lockWho(lock)}</th>
                <td>{lock.address ?? 'Any address'}</td>
                <td>
                  <time dateTime={lock.lockedUntil}>{new Date(lock.lockedUntil).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}</time>
                </td>
                <td>{lock.reason}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Lift the lock on ${lockWho(lock)}${lock.address ? ` from ${lock.address}` : ''}`}
                    onClick={() => void lift(lock)}
                  >
                    Lift
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AccountPage({ agent, onLeaving, onSignedOut }: { agent: Agent; onLeaving: () => void; onSignedOut: () => void }) {
  const title = useRef<HTMLHeadingElement>(null);
  // Opening the page moves focus to its title, so a screen reader says where the person now is.
  useEffect(() => title.current?.focus(), []);
  return (
    <section id="account" aria-labelledby="account-title">
      <h2 id="account-title" tabIndex={-1} ref={title}>
        Your account
      </h2>
      <ChangePassword />
      <SignOutEverywhere onLeaving={onLeaving} onSignedOut={onSignedOut} />
      {agent.role === 'admin' ? (
        <>
          <Accounts meId={agent.id} />
          <SignInLocks />
        </>
      ) : null}
    </section>
  );
}
