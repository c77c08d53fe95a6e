// A section of the context sidebar that the agent can fold away: its heading is a disclosure button
// (aria-expanded), so the section keeps its name as a region whether open or shut. What is folded is
// remembered in this browser (localStorage), the same for every conversation.
import { useState, type ReactNode } from 'react';

const KEY = 'contact-hub.desk.folded';

function folded(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(KEY) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

interface SectionProps {
  id: string;
  title: string;
  hidden?: boolean;
  children: ReactNode;
}

export function Section({ id, title, hidden = false, children }: SectionProps) {
  const [open, setOpen] = useState(() => !folded().has(id));
  const toggle = () => {
    const next = !open;
    setOpen(next);
    const all = folded();
    if (next) all.delete(id);
    else all.add(id);
    try {
      localStorage.setItem(KEY, JSON.stringify([...all]));
    } catch {
      // Storage refused (private mode, full): the section still opens and shuts for now.
    }
  };
  return (
    <section id={id} className="side-section" aria-labelledby={`${id}-title`} hidden={hidden}>
      <h3 id={`${id}-title`} className="side-title">
        <button type="button" aria-expanded={open} aria-controls={`${id}-body`} onClick={toggle}>
          {title}
        </button>
      </h3>
      <div id={`${id}-body`} className="side-body" hidden={!open}>
        {children}
      </div>
    </section>
  );
}
