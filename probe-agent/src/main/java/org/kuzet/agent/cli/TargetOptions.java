package org.kuzet.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import picocli.CommandLine.Parameters;

/** Which URLs to measure: given on the command line. */
public final class TargetOptions {
  @Parameters(paramLabel = "URL", arity = "0..*", description = "http:// or https:// URLs to measure.")
  List<String> urls = new ArrayList<>();

  List<String> resolveUrls(PrintWriter warnings) {
    List<String> out = new ArrayList<>();
    for (String u : urls) {
      HttpUrl url = HttpUrl.parse(u);
      if (url == null) {
        throw new UsageException("'" + u + "' is not an http:// or https:// URL");
      }
      out.add(url.toString());
    }
    if (out.isEmpty()) {
      throw new UsageException("nothing to measure: give URLs");
    }
    return out;
  }
}
