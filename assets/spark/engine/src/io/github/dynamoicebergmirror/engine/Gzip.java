package io.github.dynamoicebergmirror.engine;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses a gzip file member by member, as strictly as Python's gzip.decompress: a truncated
 * member, a wrong CRC or length, or bytes after the last member are Unsupported (Python names them).
 */
final class Gzip {
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;

  private Gzip() {}

  static byte[] decompress(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, content.length * 6));
    byte[] buffer = new byte[1 << 16];
    int at = 0;
    while (at < content.length) {
      at = header(content, at);
      Inflater inflater = new Inflater(true);
      CRC32 crc = new CRC32();
      long size = 0;
      try {
        inflater.setInput(content, at, content.length - at);
        while (!inflater.finished()) {
          int n = inflater.inflate(buffer);
          if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            throw new Unsupported("a truncated gzip member");
          }
          out.write(buffer, 0, n);
          crc.update(buffer, 0, n);
          size += n;
        }
        at = content.length - inflater.getRemaining();
      } catch (DataFormatException error) {
        throw new Unsupported("not a readable gzip file");
      } finally {
        inflater.end();
      }
      if (content.length - at < 8 || littleEndian(content, at) != crc.getValue()
          || littleEndian(content, at + 4) != (size & 0xffffffffL)) {
        throw new Unsupported("a gzip member whose trailer does not match");
      }
      at += 8;
    }
    return out.toByteArray();
  }

  /** The position after a member's header. */
  private static int header(byte[] content, int at) {
    if (content.length - at < 10 || (content[at] & 0xff) != 0x1f || (content[at + 1] & 0xff) != 0x8b
        || content[at + 2] != 8 || (content[at + 3] & 0xe0) != 0) {
      throw new Unsupported("not a gzip member");
    }
    int flags = content[at + 3];
    int position = at + 10;
    if ((flags & FEXTRA) != 0) {
      require(content, position + 2);
      position += 2 + ((content[position] & 0xff) | (content[position + 1] & 0xff) << 8);
    }
    if ((flags & FNAME) != 0) position = afterZero(content, position);
    if ((flags & FCOMMENT) != 0) position = afterZero(content, position);
    if ((flags & FHCRC) != 0) position += 2;
    require(content, position);
    return position;
  }

  private static int afterZero(byte[] content, int position) {
    while (position < content.length && content[position] != 0) position++;
    require(content, position + 1);
    return position + 1;
  }

  private static void require(byte[] content, int end) {
    if (end > content.length) throw new Unsupported("a truncated gzip header");
  }

  private static long littleEndian(byte[] content, int at) {
    return (content[at] & 0xffL) | (content[at + 1] & 0xffL) << 8 | (content[at + 2] & 0xffL) << 16
        | (content[at + 3] & 0xffL) << 24;
  }
}
