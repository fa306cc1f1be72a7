package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Optional;
import org.kuzet.agent.i18n.Language;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.upload.UploadFlush;
import picocli.CommandLine;

/**
 * Entry point of the kuzet jar. Exit codes: 0 done, 1 an operation failed (I/O, a bug), 2 bad input (an unknown
 * flag, a malformed URL, an unreadable file), always with a one-line message naming the problem.
 */
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    // Not System.out: a PrintStream swallows write errors, so an export to a full disk would exit 0.
    System.exit(run(args, CheckedOutput.stdout(), new PrintWriter(System.err, true)));
  }

  /** Runs one kuzet command with the given output streams; the testable form of {@link #main}. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, Terminal.system(), out, err);
  }

  /**
   * As {@link #run(String[], PrintWriter, PrintWriter)}, answering questions from {@code terminal}. Output that
   * could not be written fails the command (exit 1, the destination named): through {@link CheckedOutput} at once,
   * through any other PrintWriter (which swallows the error) when the command ends.
   */
  public static int run(String[] args, Terminal terminal, PrintWriter out, PrintWriter err) {
    return run(args, System.getenv(), terminal, out, err);
  }

  /** As {@link #run(String[], Terminal, PrintWriter, PrintWriter)}, the language chosen from {@code env}. */
  static int run(String[] args, java.util.Map<String, String> env, Terminal terminal, PrintWriter out,
      PrintWriter err) {
    String name = "kuzet" + (args.length > 0 && !args[0].startsWith("-") ? " " + args[0] : "");
    boolean[] reported = {false}; // an output failure the command's handler already reported
    int exit;
    try {
      exit = execute(args, env, terminal, out, err, reported);
      out.flush();
    } catch (CheckedOutput.Failed e) {
      return reported[0] ? EXIT_FAILED : outputFailed(name, e.getMessage(), err);
    }
    if (out.checkError() && !reported[0]) {
      return outputFailed(name, "cannot write to " + CheckedOutput.STDOUT, err);
    }
    return reported[0] ? EXIT_FAILED : exit;
  }

  private static int outputFailed(String name, String message, PrintWriter err) {
    err.println(name + ": " + message + "; the output is incomplete");
    err.flush();
    return EXIT_FAILED;
  }

  private static int execute(String[] args, java.util.Map<String, String> env, Terminal terminal, PrintWriter out,
      PrintWriter err, boolean[] outputReported) {
    boolean verbose = Arrays.asList(args).contains("--verbose");
    KuzetCommand root = new KuzetCommand();
    root.terminal = terminal;
    Optional<Language> language;
    try {
      language = languageOption(args);
    } catch (UsageException e) {
      err.println("kuzet: " + e.getMessage());
      err.flush();
      return EXIT_USAGE;
    }
    root.messages = Messages.of(language.orElseGet(() -> Language.fromEnvironment(env)));
    CommandLine cli = new CommandLine(root);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler((ex, a) -> {
      CommandLine cmd = ex.getCommandLine();
      String problem = ex instanceof CommandLine.UnmatchedArgumentException u && unknownCommand(cmd, u.getUnmatched())
          ? "unknown command '" + u.getUnmatched().get(0) + "'" : oneLine(ex.getMessage());
      err.println(cmd.getCommandSpec().qualifiedName() + ": " + problem
          + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
      err.flush();
      return EXIT_USAGE;
    });
    // Picocli skips the unmatched-argument check when --help is given, so 'kuzet frobnicate --help' printed the
    // top-level help and exited 0: refuse unmatched arguments before any help is printed.
    CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
    cli.setExecutionStrategy(parseResult -> {
      for (CommandLine.ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
        if (!pr.unmatched().isEmpty()) {
          throw new CommandLine.UnmatchedArgumentException(pr.commandSpec().commandLine(), pr.unmatched());
        }
      }
      return runLast.execute(parseResult);
    });
    Messages messages = root.messages;
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      String name = cmd.getCommandSpec().qualifiedName();
      boolean usage = ex instanceof UsageException || ex instanceof UploadFlush.BadSetting;
      // Kuzet's own messages in the volunteer's language; what a library or the system said stays as it said it.
      String said = oneLine(ex instanceof org.kuzet.agent.i18n.Translated t ? t.message(messages) : ex.getMessage());
      if (usage) {
        err.println(name + ": " + said);
      } else if (ex instanceof org.kuzet.agent.store.StoreException) {
        err.println(name + ": " + said); // worded for a person: file, problem, what to do
      } else if (ex instanceof CheckedOutput.Failed) {
        outputReported[0] = true;
        err.println(name + ": " + messages.get("error.outputIncomplete", said));
      } else {
        // The message says what went wrong; a Java class name means nothing to a volunteer, so it is only named
        // when there is no message at all (a bug: worth a report).
        err.println(name + ": " + (said.isEmpty() ? messages.get("error.internal", ex.getClass().getSimpleName())
            : said + (verbose ? "" : messages.get("error.seeVerbose"))));
      }
      if (verbose) {
        ex.printStackTrace(err);
      }
      err.flush();
      return usage ? EXIT_USAGE : EXIT_FAILED;
    });
    return cli.execute(args);
  }

  /**
   * {@code --lang X} / {@code --lang=X} wherever it is given (picocli accepts it on every command; it is read here,
   * before any command runs, so that every message of the run is in that language); empty when not given.
   */
  static Optional<Language> languageOption(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String value = null;
      if (args[i].equals("--lang") && i + 1 < args.length) {
        value = args[i + 1];
      } else if (args[i].startsWith("--lang=")) {
        value = args[i].substring("--lang=".length());
      } else if (args[i].equals("--")) {
        break;
      }
      if (value != null) {
        String given = value;
        return Optional.of(Language.fromCode(given).orElseThrow(() -> new UsageException("--lang '" + given
            + "': kuzet speaks en (English), ru (Russian) and kk (Kazakh)")));
      }
    }
    return Optional.empty();
  }

  /** A word where a command was expected (picocli says only "Unmatched argument at index 0"). */
  private static boolean unknownCommand(CommandLine cmd, java.util.List<String> args) {
    return !args.isEmpty() && !cmd.getSubcommands().isEmpty() && !args.get(0).startsWith("-");
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", "; ").trim();
  }
}
