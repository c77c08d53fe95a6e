// Signing in on the desk: email and password, the hub's refusal said in the form.
import { useEffect, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import { api, errorText, type Agent } from './api.ts';
import { focusMainHeading } from './focus.ts';

export function SignIn({ onSignedIn }: { onSignedIn: (agent: Agent) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  // Signed out (here or elsewhere), the desk focus was in is gone: focus comes to this form's heading.
  useEffect(focusMainHeading, []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    try {
      const { agent } = await api<{ agent: Agent }>('/api/auth/login', { method: 'POST', body: { email, password } });
      // The form goes with focus in it: the desk is drawn now, so focus can go to its start.
      flushSync(() => onSignedIn(agent));
      focusMainHeading();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section id="login" aria-labelledby="login-title">
      <h2 id="login-title" tabIndex={-1}>
        Sign in
      </h2>
      <form id="login-form" onSubmit={submit}>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit">Sign in</button>
        <p id="login-error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}
