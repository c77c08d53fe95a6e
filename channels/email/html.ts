// Pure: an email's HTML → HTML safe to show an agent. An allow-list (sanitize-html): plain structure and
// formatting only; no scripts, styles, forms, frames or event handlers; links only to http(s), mailto and
// tel; images only when embedded as data: (a remote image is a tracking pixel, so it becomes its alt text).
// The desk also serves it under a sandboxing Content-Security-Policy, so a sanitiser bug is not enough.
import sanitizeHtml from 'sanitize-html';

const EMBEDDED_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

const options: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'div',
    'span',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'small',
    'sub',
    'sup',
    'mark',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'pre',
    'code',
    'hr',
    'ul',
    'ol',
    'li',
    'dl',
    'dt',
    'dd',
    'table',
    'caption',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'a',
    'img',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  // Script and style content is dropped with its tag, not left behind as text.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
  disallowedTagsMode: 'discard',
  transformTags: {
    // Links open outside the desk and tell the other site nothing about it.
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' } }),
    img: (tagName, attribs) =>
      EMBEDDED_IMAGE.test(attribs.src ?? '') ? { tagName, attribs } : { tagName: 'span', attribs: {}, text: attribs.alt ? `[image: ${attribs.alt}]` : '' },
  },
};

export function sanitiseEmailHtml(html: string): string {
  return sanitizeHtml(html, options).trim();
}
