package io.github.dynamoicebergmirror.engine;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The lines of one data file, checked as decode.read_changes checks them: the manifest's MD5 and
 * item count, gzip, and UTF-8 (a BOM or a zero byte, which Python would read as another encoding,
 * is Unsupported).
 */
final class ExportLines {
  private ExportLines() {}

  static List<String> read(DataFileSpec file, byte[] content) {
    if (file.md5 != null && !file.md5.isEmpty() && !file.md5.equals(md5(content))) {
      throw new Unsupported("an MD5 that does not match the manifest");
    }
    byte[] text = content.length == 0 ? content : Gzip.decompress(content);
    List<int[]> spans = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= text.length; i++) {
      if (i == text.length || text[i] == '\n') {
        spans.add(new int[] {start, i});
        start = i + 1;
      }
    }
    int[] last = spans.get(spans.size() - 1);
    if (isBlank(text, last[0], last[1])) spans.remove(spans.size() - 1);
    if (spans.size() != file.itemCount) {
      throw new Unsupported("a line count that is not the manifest's itemCount");
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    List<String> lines = new ArrayList<>(spans.size());
    for (int[] span : spans) {
      int length = span[1] - span[0];
      boolean bom = length >= 3 && (text[span[0]] & 0xff) == 0xef && (text[span[0] + 1] & 0xff) == 0xbb;
      boolean zero = (length >= 1 && text[span[0]] == 0) || (length >= 2 && text[span[0] + 1] == 0);
      if (bom || zero) throw new Unsupported("a line Python would decode as another encoding");
      try {
        lines.add(utf8.decode(ByteBuffer.wrap(text, span[0], length)).toString());
      } catch (CharacterCodingException error) {
        throw new Unsupported("a line that is not UTF-8");
      }
    }
    return lines;
  }

  /** Python's `bytes.strip()` leaves nothing. */
  private static boolean isBlank(byte[] text, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = text[i];
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != 0x0b && b != 0x0c) return false;
    }
    return true;
  }

  private static String md5(byte[] content) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
    } catch (NoSuchAlgorithmException error) {
      throw new IllegalStateException(error);
    }
  }
}
