package org.kuzet.agent.service;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Objects;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.consent.ConsentGate;
import org.kuzet.agent.i18n.Messages;
import org.kuzet.agent.metrics.AgentMetrics;

/**
 * The parts of {@code kuzet service} that live in the results store and the upload queue: where runs and the
 * outage timeline are recorded, and any background work of its own (the uploader). The agent's wiring installs
 * the store-backed one in {@code ServiceCommand.wiring}; until then the service refuses to start rather than
 * measure into nowhere.
 */
@FunctionalInterface
public interface ServiceWiring {
  /**
   * What the service knows when it opens the wiring.
   *
   * @param upload true only when the config turns upload on AND the volunteer agreed to it
   * @param metrics bind {@link AgentMetrics#uploadQueueDepth} and report {@link AgentMetrics#uploadSucceeded} here
   * @param consent read again before every upload: withdrawing consent stops uploads of a running service
   * @param messages the language of the lines written to {@code log} (their counts, states and times stay as they are)
   */
  record Context(KuzetConfig config, Clock clock, AgentMetrics metrics, boolean upload, PrintWriter log,
      ConsentGate consent, Messages messages) {
    public Context {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(consent, "consent");
      Objects.requireNonNull(messages, "messages");
    }

    /** Logging in English. */
    public Context(KuzetConfig config, Clock clock, AgentMetrics metrics, boolean upload, PrintWriter log,
        ConsentGate consent) {
      this(config, clock, metrics, upload, log, consent, Messages.english());
    }

    /** With the consent record beside the config's database. */
    public Context(KuzetConfig config, Clock clock, AgentMetrics metrics, boolean upload, PrintWriter log) {
      this(config, clock, metrics, upload, log, ConsentGate.besideDatabase(config.database()));
    }
  }

  /** Opened once per service start (after the lock and consent); closed when the service ends. */
  Bound open(Context context) throws IOException;

  interface Bound extends AutoCloseable {
    RunExecutor executor();

    ConnectivityLog timeline();

    /** Stops whatever {@link #open} started (e.g. an uploader) and closes the store. */
    @Override
    void close() throws IOException;
  }

  /** No store: {@link #open} fails with a message saying so. */
  ServiceWiring UNBOUND = context -> {
    throw new IOException("this build of kuzet has no results store wired to the service");
  };

  /**
   * The usual binding: {@link MeasuringRunExecutor} into {@code store} with default probe settings, the timeline
   * to {@code timeline}, and {@code resource} (the store, an uploader) closed at the end.
   */
  static Bound measuring(Context context, RunStore store, ConnectivityLog timeline, AutoCloseable resource) {
    IdentityWatch identity = new IdentityWatch(context.messages()); // a change of network within a run is looked up again
    RunExecutor executor = new MeasuringRunExecutor(store, (request, builder) -> builder.build(), context.clock(),
        context.log(), identity);
    return bound(executor, identity.watching(timeline), resource);
  }

  /** A binding of these parts; {@code resource} (the store, an uploader) is closed at the end. */
  static Bound bound(RunExecutor executor, ConnectivityLog timeline, AutoCloseable resource) {
    return new Bound() {
      @Override
      public RunExecutor executor() {
        return executor;
      }

      @Override
      public ConnectivityLog timeline() {
        return timeline;
      }

      @Override
      public void close() throws IOException {
        try {
          resource.close();
        } catch (IOException | RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new IOException(e);
        }
      }
    };
  }
}
