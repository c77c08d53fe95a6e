// Pure: which of an email's attachments are kept, and a plain-language notice for each one that is not.
// A file is kept when its type is on the allow-list, its bytes look like that type (a renamed program
// does not pass as a PDF), it is within the per-file limit and the message's files stay within theirs.
import type { Attachment as ParsedAttachment } from 'mailparser';
import type { InboundFile } from '../contract.ts';
import { withoutBidiControls } from '../bidi.ts';

export interface AttachmentLimits {
  /** Lower-case MIME types. */
  types: readonly string[];
  maxFileBytes: number;
  maxMessageBytes: number;
}

/** PDF, images, text and Office/OpenDocument files: what residents send councils (forms, photos, letters). */
export const DEFAULT_ATTACHMENT_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/heic',
  'text/plain',
  'text/csv',
  'application/rtf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
];

// Mail programs often label a file application/octet-stream; its extension then says what it claims to be.
const BY_EXTENSION: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  txt: 'text/plain',
  csv: 'text/csv',
  rtf: 'application/rtf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
};

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
// The first bytes each binary type must start with; text types must simply not look binary.
const SIGNATURES: Record<string, number[][]> = {
  'application/pdf': [[0x25, 0x50, 0x44, 0x46, 0x2d]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/gif': [[0x47, 0x49, 0x46, 0x38]],
  'image/webp': [[0x52, 0x49, 0x46, 0x46]],
  'application/rtf': [[0x7b, 0x5c, 0x72, 0x74, 0x66]],
  'application/msword': [OLE],
  'application/vnd.ms-excel': [OLE],
  'application/vnd.ms-powerpoint': [OLE],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': [ZIP],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': [ZIP],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': [ZIP],
  'application/vnd.oasis.opendocument.text': [ZIP],
  'application/vnd.oasis.opendocument.spreadsheet': [ZIP],
};

function looksLike(type: string, content: Uint8Array): boolean {
  if (type.startsWith('text/')) return !content.subarray(0, 8192).includes(0);
  const signatures = SIGNATURES[type];
  if (!signatures) return true; // a type the council allowed that we have no signature for
  return signatures.some((sig) => sig.every((byte, i) => content[i] === byte));
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROLS_AND_QUOTES = /[\u0000-\u001f\u007f"]/g;

/** A name safe to show and to offer as a download: no path, no control characters (direction ones too), not too long. */
export function safeFilename(name: string | undefined, position: number): string {
  const base = withoutBidiControls((name ?? '').split(/[\\/]/).pop()!.replace(CONTROLS_AND_QUOTES, '')).trim();
  return (base || `attachment-${position + 1}`).slice(0, 200);
}

const mb = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`);

export function screenAttachments(attachments: readonly ParsedAttachment[], limits: AttachmentLimits): { files: InboundFile[]; notices: string[] } {
  const files: InboundFile[] = [];
  const notices: string[] = [];
  let total = 0;
  attachments.forEach((attachment, position) => {
    const filename = safeFilename(attachment.filename, position);
    const declared = attachment.contentType.toLowerCase().split(';')[0]!.trim();
    const extension = filename.includes('.') ? filename.split('.').pop()!.toLowerCase() : '';
    const type = declared === 'application/octet-stream' ? (BY_EXTENSION[extension] ?? declared) : declared;
    const content = new Uint8Array(attachment.content);
    const refuse = (why: string) => notices.push(`Attachment “${filename}” was not accepted: ${why}.`);
    if (!limits.types.includes(type)) return refuse(`files of type ${type} are not accepted`);
    if (!looksLike(type, content)) return refuse(`its content is not a ${type} file, as it claims`);
    if (content.byteLength > limits.maxFileBytes) return refuse(`it is ${mb(content.byteLength)}, over the ${mb(limits.maxFileBytes)} limit for one file`);
    if (total + content.byteLength > limits.maxMessageBytes) return refuse(`the message's files together are over the ${mb(limits.maxMessageBytes)} limit`);
    total += content.byteLength;
    files.push({ filename, contentType: type, content });
  });
  return { files, notices };
}
