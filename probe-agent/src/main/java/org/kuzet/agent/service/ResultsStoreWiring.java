package org.kuzet.agent.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kuzet.agent.config.KuzetConfig;
import org.kuzet.agent.store.ResultsStore;
import org.kuzet.agent.store.StoreException;
import org.kuzet.agent.store.Trigger;
import org.kuzet.core.Software;
import org.kuzet.core.connectivity.AnchorResult;
import org.kuzet.core.connectivity.ConnectivityCheck;
import org.kuzet.core.connectivity.ConnectivityEvent;
import org.kuzet.schema.Endpoints;
import org.kuzet.schema.Measurement;
import org.kuzet.schema.MeasurementJson;
import org.kuzet.targets.Target;

/**
 * The service bound to the results store: runs and their measurements go to {@link ResultsStore} (one
 * transaction each, queued for upload), the outage timeline to its {@code connectivity_events}. It is
 * {@code ServiceCommand.wiring}'s default. No uploader is started here yet: measurements wait in the queue.
 */
public final class ResultsStoreWiring implements ServiceWiring {
  @Override
  public Bound open(Context context) throws IOException {
    ResultsStore store;
    try {
      store = ResultsStore.open(context.config().database());
    } catch (StoreException e) {
      throw new IOException(e.getMessage(), e);
    }
    return ServiceWiring.measuring(context, runStore(store, context.clock()), timeline(store, context.log()), store);
  }

  /** {@link RunStore} over the results store: campaign slots are campaign runs, the others scheduled ones. */
  public static RunStore runStore(ResultsStore store, Clock clock) {
    return (request, reportId, targets) -> {
      boolean campaign = request.slot().isCampaign();
      long runId = io(() -> store.beginRun(campaign ? Trigger.CAMPAIGN : Trigger.SCHEDULED,
          campaign ? request.slot().campaign().name() : null, Software.VERSION, request.check().state(),
          request.startedAt()));
      Map<String, Target> byUrl = new HashMap<>();
      targets.forEach(t -> byUrl.putIfAbsent(t.url(), t));
      String listName = listName(request.targets());
      return new RunStore.Recorder() {
        @Override
        public void save(Measurement m) throws IOException {
          Target t = byUrl.get(m.input());
          io(() -> store.save(runId, m.input(), listName, t == null ? null : t.categoryCode(), m));
        }

        @Override
        public void finish(RunOutcome outcome) throws IOException {
          io(() -> {
            store.finishRun(runId, clock.instant());
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
          store.openConnectivityEvent(event.state(), event.start(), evidence == null ? null : detail(evidence));
        } catch (RuntimeException e) {
          log.println("kuzet service: could not record connectivity " + event.state().wire() + ": " + e.getMessage());
          log.flush();
        }
      }

      @Override
      public void closed(ConnectivityEvent event) {
        try {
          store.closeConnectivityEvent(event.end());
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
