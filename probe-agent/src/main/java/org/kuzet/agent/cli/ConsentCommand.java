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
import org.kuzet.agent.i18n.Messages;
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
    Messages m = root.messages;
    if (show) {
      out.print(m.consentExplanation());
      out.flush();
      return Main.EXIT_OK;
    }
    Optional<KuzetConfig> c = OptionalConfig.load(config, spec);
    Path db = database(store, c);
    if (status) {
      Optional<Consent> given = ConsentFile.read(db);
      out.println(given.map(g -> m.get("consent.status.given", g.givenAt(), g.language().displayName(),
              m.get(g.upload() ? "consent.upload.agreed" : "consent.upload.notAgreed"))
          + (g.isCurrent() ? "" : m.get("consent.status.older", commandFor(db, ""))))
          .orElse(m.get("consent.status.none", db, commandFor(db, ""))));
      out.flush();
      return Main.EXIT_OK;
    }
    if (withdraw) {
      boolean had = ConsentFile.delete(db);
      out.println(had ? m.get("consent.withdrawn") : m.get("consent.withdraw.none", db));
      out.flush();
      return Main.EXIT_OK;
    }
    Optional<Consent> consent = obtain(root, out, upload, yes, db);
    if (consent.isEmpty()) {
      out.println(m.get("consent.declined"));
      out.flush();
      return Main.EXIT_FAILED;
    }
    ConsentFile.write(db, consent.get());
    out.println(m.get("consent.recorded", ConsentFile.path(db),
        m.get(consent.get().upload() ? "consent.upload.agreed" : "consent.recorded.local")));
    c.flatMap(cfg -> uploadNote(cfg, consent.get(), db, m)).ifPresent(out::println);
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
  static Optional<Consent> obtain(KuzetCommand root, PrintWriter out, Boolean upload, boolean yes, Path db)
      throws IOException {
    Messages m = root.messages;
    if (yes) {
      out.print(m.consentExplanation());
      out.println();
      return Optional.of(new Consent(clock.instant(), Boolean.TRUE.equals(upload), ConsentText.VERSION,
          m.language()));
    }
    if (!root.terminal.interactive()) {
      throw new UsageException(m.get("consent.needTerminal", commandFor(db, "--yes")));
    }
    return ConsentPrompt.ask(root.terminal.in(), out, clock.instant(), upload, m);
  }

  /** A word when the consent and the config disagree about upload; the stricter of the two always wins. */
  static Optional<String> uploadNote(KuzetConfig config, Consent consent, Path db, Messages m) {
    if (consent.upload() && !config.upload().enabled()) {
      return Optional.of(m.get("consent.note.configOff"));
    }
    if (!consent.upload() && config.upload().enabled()) {
      return Optional.of(m.get("consent.note.noAgreement", commandFor(db, "--yes --upload")));
    }
    return Optional.empty();
  }
}
