// Direction controls in names and file names: what is shown must be what is there.
import { describe, expect, it } from 'vitest';
import { withoutBidiControls, withoutBidiOverrides } from '../../channels/bidi.ts';
import { safeFilename, screenAttachments } from '../../channels/email/attachments.ts';
import type { Attachment } from 'mailparser';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
const parsed = (filename: string, contentType: string, content: Buffer) =>
  ({ filename, contentType, content, size: content.byteLength }) as unknown as Attachment;

describe('direction controls', () => {
  it.each([
    ['an override that makes a Word file look like a picture', 'photo\u202Egnp.docx', 'photognp.docx'],
    ['an embedding', 'a\u202Ab\u202Bc\u202Cd', 'abcd'],
    ['isolates', 'x\u2066y\u2067z\u2068w\u2069', 'xyzw'],
    ['marks that can move the dot of an extension', 'report\u200F.pdf\u200E\u061C', 'report.pdf'],
  ])('are taken out of a file name: %s', (_label, name, shown) => {
    expect(withoutBidiControls(name)).toBe(shown);
    expect(safeFilename(name, 0)).toBe(shown);
  });

  it('a name keeps its direction marks (Arabic and Hebrew names need them) but loses overrides and isolates', () => {
    expect(withoutBidiOverrides('\u202EnimdA')).toBe('nimdA');
    expect(withoutBidiOverrides('\u05D3\u05E0\u05D4\u200F (Dana)\u2066')).toBe('\u05D3\u05E0\u05D4\u200F (Dana)');
    expect(withoutBidiOverrides('Mary Jones')).toBe('Mary Jones');
  });

  it('a file name made only of controls gets a plain name of its own', () => {
    expect(safeFilename('\u202E\u202C', 2)).toBe('attachment-3');
  });

  it('the kept file and the notice about a refused one show real extensions', () => {
    const { files, notices } = screenAttachments(
      [
        parsed('photo\u202Egnp.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ZIP),
        parsed('invoice\u202Efdp.exe', 'application/octet-stream', Buffer.from('MZ\x90\x00')),
      ],
      { types: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'], maxFileBytes: 1000, maxMessageBytes: 1000 },
    );
    expect(files.map((f) => f.filename)).toEqual(['photognp.docx']);
    expect(notices).toEqual(['Attachment “invoicefdp.exe” was not accepted: files of type application/octet-stream are not accepted.']);
  });
});
