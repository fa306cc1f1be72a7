package org.kuzet.targets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a text file a person wrote (a target list, the config file) as strict UTF-8. The JDK reports a byte that
 * is not UTF-8 as {@code MalformedInputException: Input length = 1}, which tells a volunteer nothing; this says
 * which line and column, and what to do.
 */
public final class Utf8Text {
  private Utf8Text() {}

  /** The file's text; a byte sequence that is not UTF-8 is a {@link NotUtf8Exception} naming its line. */
  public static String read(Path file) throws IOException {
    return decode(file.toString(), Files.readAllBytes(file));
  }

  /** {@code bytes} as UTF-8 text; {@code source} names them in the error. A leading byte-order mark is dropped. */
  public static String decode(String source, byte[] bytes) throws NotUtf8Exception {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int at = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new NotUtf8Exception(source, line, at - lineStart + 1, bytes[at] & 0xff);
    }
    out.flip();
    String text = out.toString();
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** A file that is not UTF-8 text, with where the first offending byte is. */
  public static final class NotUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String detail;

    NotUtf8Exception(String source, int line, int column, int octet) {
      super(source + ":" + line + ": " + detail(column, octet));
      this.line = line;
      this.detail = detail(column, octet);
    }

    private static String detail(int column, int octet) {
      return String.format(Locale.ROOT, "not UTF-8 text (byte 0x%02X at column %d); save the file as UTF-8"
          + " (it may be in another encoding, e.g. Windows-1251)", octet, column);
    }

    /** The 1-based line of the first byte that is not UTF-8. */
    public int line() {
      return line;
    }

    /** The problem without the file and line. */
    public String detail() {
      return detail;
    }
  }
}
