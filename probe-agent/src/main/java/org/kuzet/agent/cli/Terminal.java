package org.kuzet.agent.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;

/**
 * Where a command reads a person's answers, and whether a person is there at all (a service started by systemd
 * or a script has no terminal and must never wait for an answer).
 */
public record Terminal(BufferedReader in, boolean interactive) {
  /** Standard input; interactive when the JVM has a console. */
  public static Terminal system() {
    boolean console = System.console() != null;
    return new Terminal(new BufferedReader(new InputStreamReader(System.in, console
        ? System.console().charset() : Charset.defaultCharset())), console);
  }
}
