package org.kuzet.agent.service;

import java.io.IOException;
import java.util.List;
import org.kuzet.schema.Measurement;
import org.kuzet.targets.Target;

/**
 * Where {@link MeasuringRunExecutor} puts a run: the results store (beginRun / save / finishRun) and, when the
 * request allows upload, the upload queue. Bound by the agent's wiring; tests use an in-memory one.
 */
public interface RunStore {
  /** Starts recording a run of {@code targets}; the recorder receives its measurements one at a time. */
  Recorder begin(RunRequest request, String reportId, List<Target> targets) throws IOException;

  interface Recorder {
    /** Stores one finished measurement whole (one transaction) and queues it for upload when allowed. */
    void save(Measurement measurement) throws IOException;

    /** {@link #save(Measurement)} of the measurement of {@code target} (its list entry: category, source). */
    default void save(Target target, Measurement measurement) throws IOException {
      save(measurement);
    }

    /** Closes the run's record with what it did. */
    void finish(RunOutcome outcome) throws IOException;
  }
}
