package org.kuzet.agent.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.kuzet.agent.config.Durations;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import org.kuzet.agent.store.Trigger;
import org.kuzet.agent.upload.ProbeKeyFile;
import org.kuzet.agent.upload.Uploader;
import org.kuzet.core.ProbeSettings;
import org.kuzet.core.Software;
import org.kuzet.core.connectivity.AnchorResult;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.core.connectivity.NetworkState;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.schema.upload.ProbeKey;
import org.kuzet.targets.Target;

/**
 * The service bound to the results store: runs and their measurements go to {@link ResultsStore} (one
 * transaction each, queued for upload), the outage timeline to its {@code connectivity_events}. It is
 * {@code ServiceCommand.wiring}'s default. When upload is on (config and consent) a {@link BackgroundUpload}
 * drains the queue after each run and when an outage ends with the network online again.
 */
public final class ResultsStoreWiring implements ServiceWiring {
  private final BiFunction<RunRequest, ProbeSettings.Builder, ProbeSettings> settings;
  /** The uploader of the last {@link #open}, or null when upload is off; tests wait on it. */
  volatile BackgroundUpload background;

  /** The service's wiring: default probe settings. */
  public ResultsStoreWiring() {
    this((request, builder) -> builder.build());
  }

  /** With the run's probe settings made by {@code settings} (tests: loopback resolvers). */
  public ResultsStoreWiring(BiFunction<RunRequest, ProbeSettings.Builder, ProbeSettings> settings) {
    this.settings = settings;
  }

  @Override
  public Bound open(Context context) throws IOException {
    ResultsStore store;
    try {
      store = ResultsStore.open(context.config().database());
      // A crash (kill -9, power loss) leaves the last state open; end it at the last moment known, not now.
      store.connectivity().closeConnectivityEventLeftOpen("at restart: the previous service ended without closing it")
          .ifPresent(end -> say(context, "closed the connectivity event left open by the previous service at "
              + end));
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
    // Read at each scrape; after the store is closed (the service stopping) the last depth read stands.
    java.util.concurrent.atomic.AtomicInteger depth = new java.util.concurrent.atomic.AtomicInteger();
    context.metrics().uploadQueueDepth(() -> {
      try {
        depth.set((int) Math.min(Integer.MAX_VALUE, store.uploadQueue().counts().pending()));
      } catch (RuntimeException closedOrBusy) {
        // keep the last value
      }
      return depth.get();
    });
    BackgroundUpload upload;
    try {
      upload = upload(context, store);
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    background = upload;
    RunStore runs = runStore(store, context.clock());
    Duration retention = context.config().retention();
    if (retention != null) {
      boolean keepUnsent = upload != null;
      runs = afterEachRun(runs, () -> prune(context, store, retention, keepUnsent));
    }
    ConnectivityLog timeline = timeline(store, context.log());
    AutoCloseable resource = store;
    if (upload != null) {
      runs = afterEachRun(runs, () -> upload.request(context.messages().get("service.upload.why.afterRun")));
      timeline = whenBackOnline(timeline, () -> upload.request(context.messages().get("service.upload.why.online")));
      resource = () -> {
        try {
          upload.close();
        } finally {
          store.close();
        }
      };
    }
    RunExecutor executor = new MeasuringRunExecutor(runs, settings, context.clock(), context.log());
    return ServiceWiring.bound(executor, timeline, resource);
  }

  /** The uploader when upload is on (config and consent) and a collector is set; else null. */
  private static BackgroundUpload upload(Context context, ResultsStore store) throws IOException {
    String collector = context.config().upload().collector();
    if (!context.upload() || collector == null) {
      return null;
    }
    Path keyFile = ProbeKeyFile.besideDatabase(context.config().database());
    ProbeKey key = ProbeKeyFile.loadOrCreate(keyFile);
    Uploader uploader;
    try {
      uploader = Uploader.builder(URI.create(collector.strip()), key).clock(context.clock()).build();
    } catch (IllegalArgumentException e) {
      throw new IOException("[upload] collector: " + e.getMessage(), e);
    }
    BackgroundUpload upload = new BackgroundUpload(uploader, store.uploadQueue(), context.consent(), context.metrics(),
        context.clock(), context.log(), BackgroundUpload.RETRY_AFTER_ERROR, context.messages());
    upload.request(context.messages().get("service.upload.why.start")); // what earlier runs left in the queue
    return upload;
  }

  /** {@code runs}, calling {@code after} once each run is recorded as finished. */
  static RunStore afterEachRun(RunStore runs, Runnable after) {
    return (request, reportId, targets) -> {
      RunStore.Recorder inner = runs.begin(request, reportId, targets);
      return new RunStore.Recorder() {
        @Override
        public void save(Measurement m) throws IOException {
          inner.save(m);
        }

        @Override
        public void save(Target target, Measurement m) throws IOException {
          inner.save(target, m);
        }

        @Override
        public void finish(RunOutcome outcome) throws IOException {
          try {
            inner.finish(outcome);
          } finally {
            after.run();
          }
        }
      };
    };
  }

  /** {@code timeline}, calling {@code back} when an outage ends with the network online again. */
  static ConnectivityLog whenBackOnline(ConnectivityLog timeline, Runnable back) {
    return new ConnectivityLog() {
      private boolean afterOutage;

      @Override
      public void opened(ConnectivityEvent event, ConnectivityCheck evidence) {
        timeline.opened(event, evidence);
        if (event.state() == NetworkState.ONLINE && afterOutage) {
          back.run();
        }
        afterOutage = false;
      }

      @Override
      public void closed(ConnectivityEvent event) {
        timeline.closed(event);
        afterOutage = event.state().isOutage();
      }
    };
  }

  /**
   * {@code [store] retention}: after each run, deletes what is older than the retention (measurements still
   * queued for upload stay while upload is on). A failure is logged, never fatal: the next run tries again.
   */
  static void prune(Context context, ResultsStore store, Duration retention, boolean keepUnsent) {
    Instant cutoff = context.clock().instant().minus(retention);
    try {
      org.kuzet.agent.store.Retention.Pruned p = store.retention().deleteOlderThan(cutoff, keepUnsent);
      if (p.measurements() + p.runs() + p.connectivityEvents() > 0) {
        say(context, context.messages().get("service.retention.deleted", Durations.format(retention),
            p.measurements(), p.runs(), p.connectivityEvents(),
            cutoff.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
      }
    } catch (RuntimeException e) {
      say(context, context.messages().get("service.retention.failed", e.getMessage()));
    }
  }

  private static void say(Context context, String message) {
    context.log().println(context.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
        + " kuzet service: " + message);
    context.log().flush();
  }

  /** {@link RunStore} over the results store: campaign slots are campaign runs, the others scheduled ones. */
  public static RunStore runStore(ResultsStore store, Clock clock) {
    return (request, reportId, targets) -> {
      boolean campaign = request.slot().isCampaign();
      long runId = io(() -> store.runs().beginRun(campaign ? Trigger.CAMPAIGN : Trigger.SCHEDULED,
          campaign ? request.slot().campaign().name() : null, Software.VERSION, request.check().state(),
          request.startedAt()));
      Map<String, Target> byUrl = new HashMap<>();
      targets.forEach(t -> byUrl.putIfAbsent(t.url(), t));
      String listName = listName(request.targets());
      return new RunStore.Recorder() {
        @Override
        public void save(Measurement m) throws IOException {
          save(byUrl.get(m.input()), m);
        }

        @Override
        public void save(Target t, Measurement m) throws IOException {
          io(() -> store.measurements().save(runId, m.input(), listName, t == null ? null : t.categoryCode(), m));
        }

        @Override
        public void finish(RunOutcome outcome) throws IOException {
          io(() -> {
            if (outcome.failure() != null) {
              store.runs().failRun(runId, clock.instant(), outcome.failure());
            } else {
              store.runs().finishRun(runId, clock.instant());
            }
            return null;
          });
        }
      };
    };
  }

  /**
   * {@link ConnectivityLog} over the results store. The detail kept is which anchors answered and how the others
   * failed; never a local address (the link's free-text detail is left out for that reason).
   */
  public static ConnectivityLog timeline(ResultsStore store, PrintWriter log) {
    return new ConnectivityLog() {
      @Override
      public void opened(ConnectivityEvent event, ConnectivityCheck evidence) {
        try {
          store.connectivity().openConnectivityEvent(event.state(), event.start(),
              evidence == null ? null : detail(evidence));
        } catch (RuntimeException e) {
          log.println("kuzet service: could not record connectivity " + event.state().wire() + ": " + e.getMessage());
          log.flush();
        }
      }

      @Override
      public void closed(ConnectivityEvent event) {
        try {
          store.connectivity().closeConnectivityEvent(event.end());
        } catch (RuntimeException e) {
          log.println("kuzet service: could not record the end of " + event.state().wire() + ": " + e.getMessage());
          log.flush();
        }
      }
    };
  }

  static String detail(ConnectivityCheck check) {
    ObjectNode o = MeasurementJson.mapper().createObjectNode();
    o.put("link_up", check.link().up());
    anchors(o.putArray("domestic"), check.domestic());
    anchors(o.putArray("foreign"), check.foreign());
    return o.toString();
  }

  private static void anchors(ArrayNode out, List<AnchorResult> results) {
    for (AnchorResult r : results) {
      out.addObject()
          .put("anchor", r.anchor().kind().name().toLowerCase(java.util.Locale.ROOT) + " "
              + Endpoints.format(r.anchor().address().getHostString(), r.anchor().address().getPort()))
          .put("failure", r.failure());
    }
  }

  private static String listName(KuzetConfig.TargetSelection selection) {
    List<String> names = new ArrayList<>(selection.lists());
    selection.files().forEach(f -> names.add(f.getFileName().toString()));
    return names.isEmpty() ? null : String.join("+", names);
  }

  private interface StoreCall<T> {
    T call();
  }

  /** The RunStore contract speaks IOException; the store's clear messages travel in it. */
  private static <T> T io(StoreCall<T> call) throws IOException {
    try {
      return call.call();
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
