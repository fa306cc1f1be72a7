package org.kuzet.agent.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;

/** One in-process {@code kuzet} invocation with its exit code and captured output. */
record CliRun(int exit, String out, String err) {
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** As {@link #of}, with {@code --db db} after {@code args}. */
  static CliRun onDatabase(java.nio.file.Path db, String... args) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 2);
    all[args.length] = "--db";
    all[args.length + 1] = db.toString();
    return of(all);
  }

  /** As {@link #of}, in the environment {@code env} (for the language: LANG, LC_*, KUZET_LANG) and no terminal. */
  static CliRun inEnvironment(java.util.Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, env, new Terminal(new BufferedReader(java.io.Reader.nullReader()), false),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(exit, out.toString(), err.toString());
  }

  /** As {@link #of}, with a person at a terminal typing {@code input}. */
  static CliRun atTerminal(String input, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new Terminal(new BufferedReader(new StringReader(input)), true),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliRun(exit, out.toString(), err.toString());
  }
}
