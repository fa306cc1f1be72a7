package org.kuzet.agent.consent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.kuzet.agent.i18n.Messages;

/**
 * Asks a person at a terminal for consent: shows {@link ConsentText}, asks whether to measure, then whether to
 * upload. Anything but "y"/"yes" is a no, end of input included; upload is only ever on when they said yes to it.
 */
public final class ConsentPrompt {
  private ConsentPrompt() {}

  /**
   * @param uploadAnswer the upload choice already made on the command line, or null to ask
   * @return the consent given, or empty when the person declined
   */
  public static Optional<Consent> ask(BufferedReader in, PrintWriter out, Instant now, Boolean uploadAnswer,
      Messages messages) throws IOException {
    out.println(messages.consentExplanation());
    out.print(messages.get("consent.question.run"));
    out.flush();
    if (!yes(in.readLine())) {
      return Optional.empty();
    }
    boolean upload;
    if (uploadAnswer != null) {
      upload = uploadAnswer;
    } else {
      out.print(messages.get("consent.question.upload"));
      out.flush();
      upload = yes(in.readLine());
    }
    return Optional.of(new Consent(now, upload, ConsentText.VERSION, messages.language()));
  }

  private static boolean yes(String answer) {
    if (answer == null) {
      return false;
    }
    String a = answer.strip().toLowerCase(Locale.ROOT);
    // Kazakh and Russian "yes" too: the volunteers this is for may answer in either.
    return a.equals("y") || a.equals("yes") || a.equals("иә") || a.equals("да") || a.equals("д");
  }
}
