package org.kuzet.agent.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Output that cannot be lost without a word. {@link java.io.PrintStream} and {@link PrintWriter} swallow write errors (a
 * full disk, a closed pipe) and only remember them in {@code checkError}; every command's output goes through a
 * {@link CheckedWriter} instead, which turns the first error into a {@link Failed} naming where the output was
 * going ("standard output" or the file), so the command stops and exits 1 with that message ({@link Main}).
 *
 * <p>Text is written as UTF-8: exports (JSON, CSV) are UTF-8 whatever the locale, and a volunteer's terminal is.
 */
final class CheckedOutput {
  static final String STDOUT = "standard output";

  private CheckedOutput() {}

  /** The process's standard output, unbuffered beyond one encoder buffer, every error raised. */
  static PrintWriter stdout() {
    return printWriter(new FileOutputStream(FileDescriptor.out), STDOUT);
  }

  /** {@code out} as a PrintWriter (auto-flushing lines) that raises {@link Failed} naming {@code destination}. */
  static PrintWriter printWriter(OutputStream out, String destination) {
    return new PrintWriter(new CheckedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), destination), true);
  }

  /** What writes a file's content. */
  interface Content {
    void writeTo(Writer out) throws IOException;
  }

  /**
   * Writes {@code file} (UTF-8) whole or not at all: a regular file (or a new one) is written beside it and moved
   * into place only once complete, so a failed write never replaces a good file with part of one; anything else
   * (a device such as /dev/stdout, a pipe) is written directly. Every error is a {@link Failed} naming the file.
   */
  static void writeFile(Path file, Content content) {
    Path target = file.toAbsolutePath();
    boolean direct = Files.exists(target) && !Files.isRegularFile(target);
    Path written = direct ? target : target.resolveSibling(target.getFileName() + ".partial");
    try {
      try (Writer w = new CheckedWriter(new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(written),
          StandardCharsets.UTF_8)), file.toString())) {
        content.writeTo(w);
      }
      if (!direct) {
        Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException | Error e) {
      if (!direct) {
        try {
          Files.deleteIfExists(written);
        } catch (IOException ignored) {
          // the first failure is the one to report
        }
      }
      if (e instanceof Failed f) {
        throw f;
      }
      if (e instanceof IOException io) {
        throw new Failed(file.toString(), io);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) e;
    }
  }

  /** A write to {@link #destination()} failed; the message says where and why. */
  static final class Failed extends UncheckedIOException {
    private final String destination;

    Failed(String destination, IOException cause) {
      super("cannot write to " + destination + ": " + reason(cause), cause);
      this.destination = destination;
    }

    String destination() {
      return destination;
    }

    private static String reason(IOException e) {
      if (e instanceof AccessDeniedException) {
        return "permission denied";
      }
      if (e instanceof NoSuchFileException) {
        return "no such file or directory";
      }
      String m = e.getMessage();
      return m == null || m.isBlank() ? "write failed" : m;
    }
  }

  /** A Writer whose every I/O error becomes a {@link Failed} (which PrintWriter lets through). */
  static final class CheckedWriter extends Writer {
    private final Writer out;
    private final String destination;

    CheckedWriter(Writer out, String destination) {
      this.out = out;
      this.destination = destination;
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      try {
        out.write(cbuf, off, len);
      } catch (IOException e) {
        throw new Failed(destination, e);
      }
    }

    @Override
    public void write(String str, int off, int len) {
      try {
        out.write(str, off, len);
      } catch (IOException e) {
        throw new Failed(destination, e);
      }
    }

    @Override
    public void write(int c) {
      try {
        out.write(c);
      } catch (IOException e) {
        throw new Failed(destination, e);
      }
    }

    @Override
    public void flush() {
      try {
        out.flush();
      } catch (IOException e) {
        throw new Failed(destination, e);
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new Failed(destination, e);
      }
    }
  }
}
