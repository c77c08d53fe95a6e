// Layout for the hand-off panels, the service view and the supervisors' list. desk.css is a static file the
// whole desk shares; these rules live beside the components that use them. React 19 hoists one copy of the
// <style> into <head> (keyed by href) however many components render it.
const CSS = `
#services-panel h4 { margin: 0.75rem 0 0.25rem; font-size: 0.875rem; }
.handoff-choices { list-style: none; padding: 0; margin: 0; }
.handoff-choices li { margin: 0.35rem 0; }
#handoff-form fieldset { margin: 0.25rem 0 0; }
#handoff-form button[type="submit"] { margin-top: 0.75rem; }
.plan-list { padding-left: 1.25rem; margin: 0; }
.plan-list li { margin: 0.25rem 0; }
.handoff-list { list-style: none; padding: 0; margin: 0; }
.handoff-list li { border-bottom: 1px solid var(--border, #d0d7de); }
.handoff-list button { display: block; width: 100%; min-height: 0; text-align: left; padding: 0.5rem 0.75rem; border: 0; border-radius: 0; background: var(--surface, #fff); color: inherit; font-weight: 400; }
.handoff-list button:hover { background: var(--bg, #f6f8fa); }
.handoff-list button:focus-visible { outline-offset: -3px; }
.handoff-list button[aria-current="true"] { background: var(--accent-weak, #e7f0fa); box-shadow: inset 3px 0 0 var(--accent, #0b5cad); }
.overdue { color: var(--danger, #b42318); font-weight: bold; }
.handoff-detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.75rem; margin: 0; }
.handoff-detail dt { font-weight: bold; }
.handoff-detail dd { margin: 0; }
.handoff-detail ul, .handoff-detail ol { margin: 0; padding-left: 1.25rem; }
.handoff-detail .pre { white-space: pre-wrap; }
.handoff-detail blockquote { margin: 0.25rem 0; padding-left: 0.75rem; border-left: 4px solid var(--border, #d0d7de); white-space: pre-wrap; }
.handoff-actions form, .handoff-actions .accept { border-top: 1px solid var(--border, #d0d7de); margin-top: 0.75rem; padding-top: 0.5rem; }
.handoff-actions select { max-width: 30rem; width: 100%; }
.handoff-dialog { width: min(60rem, 95vw); max-height: 90vh; overflow: auto; border: 1px solid var(--border, #d0d7de); border-radius: 10px; padding: 1rem 1.5rem; }
.handoff-dialog::backdrop { background: rgb(15 23 42 / 0.45); }
.handoff-dialog .back { float: right; }
#handoff-filter { margin: 0 0 0.5rem; padding: 0.25rem 0.75rem 0.5rem; }
#handoff-filter .check { display: inline-flex; margin-right: 1rem; }
`;

export function HandoffStyles() {
  return (
    <style href="contact-hub-handoffs" precedence="contact-hub">
      {CSS}
    </style>
  );
}
