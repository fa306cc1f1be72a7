package org.kuzet.agent.service;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import org.kuzet.agent.config.KuzetConfig;

/**
 * The parts of {@code kuzet service} that live in the results store: where runs and the outage timeline are
 * recorded. The agent's wiring installs the store-backed one in {@code ServiceCommand.wiring}; until then the
 * service refuses to start rather than measure into nowhere.
 */
public interface ServiceWiring {
  /** Opened once per service start, with the database of {@code config}; closed when the service ends. */
  Bound open(KuzetConfig config, Clock clock, PrintWriter log) throws IOException;

  interface Bound extends AutoCloseable {
    RunExecutor executor();

    ConnectivityLog timeline();

    @Override
    void close() throws IOException;
  }

  /** No store: {@link #open} fails with a message saying so. */
  ServiceWiring UNBOUND = (config, clock, log) -> {
    throw new IOException("this build of kuzet has no results store wired to the service");
  };

  /** Measures with {@link MeasuringRunExecutor} into {@code store}; the timeline goes to {@code timeline}. */
  static Bound measuring(RunStore store, ConnectivityLog timeline, Clock clock, PrintWriter log,
      AutoCloseable resource) {
    RunExecutor executor = new MeasuringRunExecutor(store, (request, builder) -> builder.build(), clock, log);
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
