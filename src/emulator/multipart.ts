// A streaming multipart/form-data parser (node:http only). File parts go straight to disk, so a
// 100 MB upload never sits in memory; sizes and line counts are measured on the way.
import { createWriteStream, type WriteStream } from 'fs';
import * as path from 'path';

export interface MultipartFile {
  readonly filename: string;
  readonly path: string;
  bytes: number;
  /** Non-empty lines, counting a last line without a newline. */
  lines: number;
  /** More than the limit arrived; the rest was read and discarded. */
  tooLarge: boolean;
}

export interface MultipartForm {
  readonly fields: Map<string, string>;
  readonly files: Map<string, MultipartFile>;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return match ? (match[1] ?? match[2]) : undefined;
}

type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';

export async function parseMultipart(
  body: AsyncIterable<Buffer>,
  boundary: string,
  dir: string,
  maxFileBytes: number,
  nextFileName: () => string,
): Promise<MultipartForm> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const form: MultipartForm = { fields: new Map(), files: new Map() };
  // A virtual CRLF in front makes the first boundary look like every other one.
  let buffer: Buffer = Buffer.from('\r\n');
  let state: State = 'preamble';
  let part: { name: string; filename?: string; text: Buffer[]; file?: MultipartFile; out?: WriteStream; lastByte?: number } | undefined;

  const writeData = async (data: Buffer) => {
    if (!part || data.length === 0) return;
    if (!part.file) {
      part.text.push(data);
      if (part.text.reduce((n, b) => n + b.length, 0) > 1024 * 1024) throw new MultipartError('form field too large');
      return;
    }
    const file = part.file;
    file.bytes += data.length;
    if (file.bytes > maxFileBytes) {
      file.tooLarge = true;
      return;
    }
    for (let i = data.indexOf(10); i >= 0; i = data.indexOf(10, i + 1)) file.lines++;
    part.lastByte = data[data.length - 1];
    if (!part.out!.write(data)) await new Promise<void>((resolve) => part!.out!.once('drain', () => resolve()));
  };

  const endPart = async () => {
    if (!part) return;
    if (part.file) {
      if (part.lastByte !== undefined && part.lastByte !== 10) part.file.lines++;
      await new Promise<void>((resolve, reject) => part!.out!.end((error?: Error | null) => (error ? reject(error) : resolve())));
      form.files.set(part.name, part.file);
    } else {
      form.fields.set(part.name, Buffer.concat(part.text).toString('utf8'));
    }
    part = undefined;
  };

  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble': {
        const at = buffer.indexOf(delimiter);
        if (at < 0) {
          buffer = buffer.subarray(Math.max(0, buffer.length - delimiter.length));
          return false;
        }
        buffer = buffer.subarray(at + delimiter.length);
        state = 'afterBoundary';
        return true;
      }
      case 'afterBoundary': {
        if (buffer.length < 2) return false;
        const two = buffer.subarray(0, 2).toString('latin1');
        buffer = buffer.subarray(2);
        state = two === '--' ? 'done' : 'headers';
        if (two !== '--' && two !== '\r\n') throw new MultipartError('malformed boundary');
        return true;
      }
      case 'headers': {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffer.length > 16 * 1024) throw new MultipartError('part headers too large');
          return false;
        }
        const headers = buffer.subarray(0, end).toString('utf8');
        buffer = buffer.subarray(end + 4);
        const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
        const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
        if (name === undefined) throw new MultipartError('part without a name');
        const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
        part = { name, filename, text: [] };
        if (filename !== undefined) {
          const file: MultipartFile = {
            filename: path.basename(filename),
            path: path.join(dir, nextFileName()),
            bytes: 0,
            lines: 0,
            tooLarge: false,
          };
          part.file = file;
          part.out = createWriteStream(file.path);
        }
        state = 'body';
        return true;
      }
      case 'body': {
        const at = buffer.indexOf(delimiter);
        if (at < 0) {
          const keep = delimiter.length - 1;
          if (buffer.length > keep) {
            await writeData(buffer.subarray(0, buffer.length - keep));
            buffer = buffer.subarray(buffer.length - keep);
          }
          return false;
        }
        await writeData(buffer.subarray(0, at));
        buffer = buffer.subarray(at + delimiter.length);
        await endPart();
        state = 'afterBoundary';
        return true;
      }
      case 'done':
        buffer = Buffer.alloc(0);
        return false;
    }
  };

  try {
    for await (const chunk of body) {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      while (await step()) {
        /* keep consuming */
      }
    }
  } finally {
    if (part?.out) part.out.destroy();
  }
  if ((state as State) !== 'done') throw new MultipartError('the multipart body ended early');
  return form;
}
