// Small line icons drawn inline (the desk's CSP allows no images from elsewhere, and a font of icons would be
// one more file). Each channel's icon carries its name as its text alternative; the others are decoration.
import { CHANNEL_ICONS, CHANNEL_NAMES } from './text.ts';

// 16×16 strokes, drawn in the current text colour; a channel's module names the one it wants (its `icon`).
const CHANNEL_PATHS: Record<string, string> = {
  text: 'M2.5 3.5h11v7h-6l-3 2.5v-2.5h-2z',
  email: 'M2 4h12v8H2zM2 4.5l6 4.5 6-4.5',
  chat: 'M2 3h12v8H9l-3 2.5V11H2zM5 7h.01M8 7h.01M11 7h.01',
  phone: 'M4.5 2.5l2 3-1.3 1.3a8 8 0 0 0 4 4l1.3-1.3 3 2-1 2c-5 0-9.5-4.5-9.5-9.5z',
  whatsapp: 'M8 2a6 6 0 0 0-5.2 9l-.8 3 3-.8A6 6 0 1 0 8 2zM6 6c0 2 2 4 4 4',
  bot: 'M3 5h10v7H3zM8 2.5V5M6 8h.01M10 8h.01M1.5 8v2M14.5 8v2',
  person: 'M8 2.5a2.5 2.5 0 1 1 0 5a2.5 2.5 0 1 1 0-5zM3 14c0-3 2.2-5 5-5s5 2 5 5',
};
const GENERIC = 'M2.5 3.5h11v9h-11z';

export function ChannelIcon({ channel }: { channel: string }) {
  return (
    <svg className="icon channel-icon" role="img" aria-label={CHANNEL_NAMES[channel] ?? channel} viewBox="0 0 16 16" width="16" height="16">
      <path d={CHANNEL_PATHS[CHANNEL_ICONS[channel] ?? ''] ?? GENERIC} />
    </svg>
  );
}

const PATHS = {
  phone: CHANNEL_PATHS.phone!,
  chevron: 'M4 6l4 4 4-4',
  back: 'M10 3L5 8l5 5',
  bell: 'M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11zM6.5 14h3',
} as const;

/** A decorative icon: whatever it stands for is said in words beside it. */
export function Icon({ name }: { name: keyof typeof PATHS }) {
  return (
    <svg className={`icon icon-${name}`} aria-hidden="true" focusable="false" viewBox="0 0 16 16" width="16" height="16">
      <path d={PATHS[name]} />
    </svg>
  );
}
