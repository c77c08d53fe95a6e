// Layout for the hand-off panels, the service view and the supervisors' list. desk.css is a static file the
// whole desk shares; these rules live beside the components that use them. React 19 hoists one copy of the
// <style> into <head> (keyed by href) however many components render it.
const CSS = `
#services-panel { border: 1px solid #6b6b6b; padding: 0.5rem 1rem; margin-top: 1rem; max-width: 40rem; }
#services-panel h3 { margin: 0 0 0.25rem; font-size: 1rem; }
#services-panel h4 { margin: 0.75rem 0 0.25rem; font-size: 0.95rem; }
.handoff-choices { list-style: none; padding: 0; margin: 0; }
.handoff-choices li { margin: 0.35rem 0; }
.check { display: flex; align-items: flex-start; gap: 0.5rem; margin-top: 0.5rem; }
.check input { width: 1.25rem; height: 1.25rem; margin: 0.15rem 0 0; flex: none; }
.check label { margin: 0; }
#handoff-form fieldset { border: 1px solid #6b6b6b; margin: 0.25rem 0 0; }
#handoff-form legend { font-weight: bold; }
.plan-list { padding-left: 1.25rem; margin: 0; }
.plan-list li { margin: 0.25rem 0; }
.handoff-list { list-style: none; padding: 0; margin: 0; }
.handoff-list button { width: 100%; text-align: left; padding: 0.5rem; margin-bottom: 0.25rem; border: 1px solid #6b6b6b; background: #f4f4f4; color: inherit; font: inherit; cursor: pointer; }
.handoff-list button[aria-current="true"] { border: 2px solid #0b3d60; background: #e3eef7; }
.overdue { color: #a00000; font-weight: bold; }
.handoff-detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.75rem; margin: 0; }
.handoff-detail dt { font-weight: bold; }
.handoff-detail dd { margin: 0; }
.handoff-detail ul, .handoff-detail ol { margin: 0; padding-left: 1.25rem; }
.handoff-detail .pre { white-space: pre-wrap; }
.handoff-detail blockquote { margin: 0.25rem 0; padding-left: 0.75rem; border-left: 4px solid #6b6b6b; white-space: pre-wrap; }
.handoff-actions form, .handoff-actions .accept { border-top: 1px solid #6b6b6b; margin-top: 0.75rem; padding-top: 0.5rem; }
.handoff-actions select { font: inherit; max-width: 30rem; width: 100%; }
.handoff-actions button { padding: 0.4rem 1rem; font: inherit; }
#attention { margin-bottom: 1rem; }
.handoff-dialog { width: min(60rem, 95vw); max-height: 90vh; overflow: auto; border: 2px solid #0b3d60; padding: 1rem 1.5rem; }
.handoff-dialog::backdrop { background: rgb(0 0 0 / 0.45); }
.handoff-dialog .back { float: right; padding: 0.4rem 1rem; font: inherit; }
#handoff-filter { border: 1px solid #6b6b6b; margin: 0 0 0.5rem; padding: 0.25rem 0.75rem 0.5rem; }
#handoff-filter legend { font-weight: bold; }
#handoff-filter .check { display: inline-flex; margin-right: 1rem; }
`;

export function HandoffStyles() {
  return (
    <style href="contact-hub-handoffs" precedence="contact-hub">
      {CSS}
    </style>
  );
}
