/**
 * Text handling for the line-editing modules. Ansible edits bytes; we edit strings. A file that
 * is valid UTF-8 is edited as UTF-8; any other file is edited byte-for-byte as latin1, with the
 * user's patterns and lines converted to their UTF-8 bytes the same way, so no byte is lost.
 */
export interface TextCodec {
  /** The file content as a string. */
  text: string;
  /** A user-supplied string (line, regexp, block) in the same representation as `text`. */
  fromUser(s: string): string;
  /** A string in this representation back to file bytes. */
  encode(s: string): Buffer;
}

export function decodeText(content: Buffer): TextCodec {
  const utf8 = content.toString('utf8');
  if (Buffer.from(utf8, 'utf8').equals(content)) {
    return { text: utf8, fromUser: (s) => s, encode: (s) => Buffer.from(s, 'utf8') };
  }
  return {
    text: content.toString('latin1'),
    fromUser: (s) => Buffer.from(s, 'utf8').toString('latin1'),
    encode: (s) => Buffer.from(s, 'latin1'),
  };
}

/** Python's bytes.readlines(): split after each '\n', keeping it. */
export function readLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Python's bytes.splitlines(True): split after '\r\n', '\n' or '\r', keeping the ending. */
export function splitLinesKeepEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

/** A line without its line ending (Python's rstrip(b'\r\n')). */
export function stripEol(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}

/** Text for a diff: the content if it looks like text, else a placeholder (like Ansible's binary check). */
export function diffText(content: Buffer | undefined, limit = 104_448): string {
  if (!content) return '';
  if (content.length > limit) return `[content not shown: ${content.length} bytes is more than ${limit}]\n`;
  if (content.includes(0)) return '[binary content]\n';
  return content.toString('utf8');
}
