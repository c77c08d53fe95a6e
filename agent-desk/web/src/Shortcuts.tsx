// The desk's keyboard shortcuts, all in one sheet: `?` (anywhere on the desk but a text box) or the button at
// the foot of the list opens it as a modal dialog; Escape or Close shuts it and focus goes back where it was.
// A shortcut added anywhere on the desk belongs in SHORTCUTS too, so the sheet stays the whole truth.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Shortcut {
  /** Each alternative, its keys in order ("Ctrl", "Enter"). */
  keys: string[][];
  what: string;
  where: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: [['?']], what: 'Show these shortcuts', where: 'Anywhere on the desk but a text box' },
  { keys: [['Escape']], what: 'Close this sheet, a dialog (Transfer, Close) or the calls panel', where: 'In it' },
  { keys: [['↓'], ['j']], what: 'Next conversation', where: 'The conversation list' },
  { keys: [['↑'], ['k']], what: 'Previous conversation (from the first, back to the search box)', where: 'The conversation list' },
  { keys: [['Home'], ['End']], what: 'First or last conversation loaded', where: 'The conversation list' },
  { keys: [['Enter'], ['Space']], what: 'Open the conversation', where: 'The conversation list' },
  { keys: [['↓']], what: 'To the first conversation', where: 'The search box' },
  { keys: [['←'], ['→'], ['Home'], ['End']], what: 'Choose Mine, Waiting, All open or Closed', where: 'The list’s tabs' },
  {
    keys: [
      ['Ctrl', 'Enter'],
      ['⌘', 'Enter'],
    ],
    what: 'Send the reply',
    where: 'The reply box',
  },
  { keys: [['←'], ['→']], what: 'Switch between Reply and Private note', where: 'The composer’s tabs' },
  { keys: [['↑'], ['↓'], ['Page Up'], ['Page Down']], what: 'Scroll the messages', where: 'The messages' },
  { keys: [['Alt', 'A']], what: 'Accept the first offer', where: 'Anywhere, while an offer shows' },
  { keys: [['Alt', 'D']], what: 'Decline the first offer', where: 'Anywhere, while an offer shows' },
  { keys: [['Alt', 'S']], what: 'Go to My status', where: 'Anywhere' },
];

/** Where a typed `?` is text: a text box, a text area, a list box, or anything editable. */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(target.type);
}

/** The sheet, and `?` to open it while `active` (the desk is the view on screen). */
export function ShortcutSheet({ active }: { active: boolean }) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);

  const show = useCallback(() => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setOpen(true);
  }, []);

  useEffect(() => {
    if (!active) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || typingIn(event.target)) return;
      // Not over another dialog: that one has the keyboard.
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      show();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [active, show]);

  useEffect(() => {
    const sheet = dialog.current;
    if (open && !sheet?.open) sheet?.showModal();
    if (!open && sheet?.open) sheet.close();
  }, [open]);

  // Shut (Escape, Close): focus goes back to where the agent was, or to the list's title if that is gone.
  // The close event comes a task later: if focus has already moved on (the browser gave it back, or the agent
  // pressed a shortcut such as Alt+S as the sheet shut), it stays there.
  const onClose = () => {
    setOpen(false);
    const now = document.activeElement;
    if (now && now !== document.body && !dialog.current?.contains(now)) return;
    const back = opener.current?.isConnected ? opener.current : document.getElementById('list-title');
    back?.focus({ preventScroll: true });
  };

  return (
    <>
      <button type="button" id="shortcuts-button" className="hint-button" aria-haspopup="dialog" aria-keyshortcuts="?" onClick={show}>
        Keyboard shortcuts <kbd>?</kbd>
      </button>
      <dialog ref={dialog} id="shortcut-sheet" className="action-dialog shortcut-sheet" aria-labelledby="shortcut-sheet-title" onClose={onClose}>
        <div className="dialog-head">
          <h3 id="shortcut-sheet-title">Keyboard shortcuts</h3>
          <button type="button" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Keys</th>
              <th scope="col">What they do</th>
              <th scope="col">Where</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={`${s.what} ${s.where}`}>
                <td>
                  {s.keys.map((combo, i) => (
                    <span key={combo.join('+')}>
                      {i > 0 ? ' or ' : null}
                      {combo.map((k, j) => (
                        <span key={k}>
                          {j > 0 ? '+' : null}
                          <kbd>{k}</kbd>
                        </span>
                      ))}
                    </span>
                  ))}
                </td>
                <td>{s.what}</td>
                <td>{s.where}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </dialog>
    </>
  );
}
