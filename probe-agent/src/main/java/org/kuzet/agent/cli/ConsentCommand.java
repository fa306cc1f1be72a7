package org.kuzet.agent.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.Consent;
import org.kuzet.agent.consent.ConsentFile;
import org.kuzet.agent.consent.ConsentPrompt;
import org.kuzet.agent.consent.ConsentText;
import org.kuzet.agent.store.StorePaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code kuzet consent}: shows what running kuzet means for the volunteer and records their agreement beside the
 * database. {@code kuzet service} does not start without it.
 */
@Command(name = "consent", mixinStandardHelpOptions = true,
    description = {"Explain the risks of running kuzet and record the volunteer's consent (asked at a terminal).",
        "For scripted installs: kuzet consent --yes [--upload]. Upload stays off unless --upload is given."})
public final class ConsentCommand implements Callable<Integer> {
  static Clock clock = Clock.systemUTC();

  @Spec CommandSpec spec;

  @ParentCommand KuzetCommand root;

  @Mixin ConfigOptions config;

  @Mixin StoreOptions store;

  @Option(names = "--yes", description = "Record consent without asking (the volunteer has read 'kuzet consent --show').")
  boolean yes;

  @Option(names = "--upload", negatable = true,
      description = "Agree (or, with --no-upload, do not agree) to upload and publish results. Default: no upload.")
  Boolean upload;

  @Option(names = "--show", description = "Print the explanation and exit.")
  boolean show;

  @Option(names = "--status", description = "Print the recorded consent and exit.")
  boolean status;

  @Option(names = "--withdraw", description = "Withdraw consent: a running service stops measuring and uploading; it will not start again.")
  boolean withdraw;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (show) {
      out.print(ConsentText.EXPLANATION);
      out.flush();
      return Main.EXIT_OK;
    }
    Optional<KuzetConfig> c = OptionalConfig.load(config, spec);
    Path db = database(store, c);
    if (status) {
      Optional<Consent> given = ConsentFile.read(db);
      out.println(given.map(g -> "consent given " + g.givenAt() + ", upload " + (g.upload() ? "agreed" : "not agreed")
          + (g.isCurrent() ? "" : " (to an older explanation: run '" + commandFor(db, "") + "' again)"))
          .orElse("no consent recorded for " + db + " (run '" + commandFor(db, "") + "')"));
      out.flush();
      return Main.EXIT_OK;
    }
    if (withdraw) {
      boolean had = ConsentFile.delete(db);
      out.println(had ? "consent withdrawn; a running 'kuzet service' stops measuring and uploading at once (it stays "
          + "idle), and it will not start until consent is given again"
          : "no consent was recorded for " + db);
      out.flush();
      return Main.EXIT_OK;
    }
    Optional<Consent> consent = obtain(root.terminal, out, upload, yes, db);
    if (consent.isEmpty()) {
      out.println("no consent recorded; kuzet will not measure from this computer");
      out.flush();
      return Main.EXIT_FAILED;
    }
    ConsentFile.write(db, consent.get());
    out.println("consent recorded in " + ConsentFile.path(db) + "; upload " + (consent.get().upload()
        ? "agreed" : "not agreed: results stay on this computer"));
    c.flatMap(cfg -> uploadNote(cfg, consent.get(), db)).ifPresent(out::println);
    out.flush();
    return Main.EXIT_OK;
  }

  /**
   * Where consent is recorded: beside {@code --db}; else beside the database of the config file (named with
   * {@code --config}, or the service's default file when it exists: how a packaged install records the service's
   * consent); else beside the per-user database that {@code kuzet run} and {@code status} use on a desktop.
   */
  static Path database(StoreOptions store, Optional<KuzetConfig> config) {
    if (store.db != null) {
      return store.db;
    }
    return config.map(KuzetConfig::database).orElseGet(StorePaths::defaultDatabase);
  }

  /**
   * The {@code kuzet consent} command line that records consent for {@code db}, to print in hints so that it works
   * as printed: {@code --db} is named unless a bare {@code kuzet consent} would pick the same database.
   */
  static String commandFor(Path db, String options) {
    String base = "kuzet consent" + (options.isEmpty() ? "" : " " + options);
    boolean bareIsSame = db.toAbsolutePath().normalize().equals(
        StorePaths.defaultDatabase().toAbsolutePath().normalize()) && !Files.exists(defaultConfigFile());
    return bareIsSame ? base : base + " --db " + Shell.quote(db.toString());
  }

  /** The config file a bare {@code kuzet consent} reads when it exists ($KUZET_CONFIG, else /etc/kuzet). */
  private static Path defaultConfigFile() {
    String env = System.getenv("KUZET_CONFIG");
    return Path.of(env != null && !env.isBlank() ? env : ConfigOptions.DEFAULT_PATH);
  }

  /**
   * Consent from {@code --yes} or from the person at the terminal; without either, a usage error saying how to
   * give it. Shared with {@code kuzet service}, which asks on its first interactive start.
   */
  static Optional<Consent> obtain(Terminal terminal, PrintWriter out, Boolean upload, boolean yes, Path db)
      throws IOException {
    if (yes) {
      out.print(ConsentText.EXPLANATION);
      out.println();
      return Optional.of(new Consent(clock.instant(), Boolean.TRUE.equals(upload), ConsentText.VERSION));
    }
    if (!terminal.interactive()) {
      throw new UsageException("consent is needed and there is no terminal to ask at: read 'kuzet consent --show', "
          + "then record it with '" + commandFor(db, "--yes") + "' (add --upload to publish results)");
    }
    return ConsentPrompt.ask(terminal.in(), out, clock.instant(), upload);
  }

  /** A word when the consent and the config disagree about upload; the stricter of the two always wins. */
  static Optional<String> uploadNote(KuzetConfig config, Consent consent, Path db) {
    if (consent.upload() && !config.upload().enabled()) {
      return Optional.of("note: upload is off in the config file ([upload] enabled = false); nothing is uploaded "
          + "until it is turned on there too");
    }
    if (!consent.upload() && config.upload().enabled()) {
      return Optional.of("note: the config file turns upload on, but without your agreement nothing is uploaded "
          + "(run '" + commandFor(db, "--yes --upload") + "' to agree)");
    }
    return Optional.empty();
  }
}
