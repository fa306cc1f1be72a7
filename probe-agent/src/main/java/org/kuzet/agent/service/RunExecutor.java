package org.kuzet.agent.service;

/**
 * Carries out one scheduled run: measures {@link RunRequest#targets()} and stores each measurement. The real
 * implementation binds this to the results store (beginRun, save per measurement, finishRun) and the upload
 * queue; tests use fakes.
 *
 * <p>Contract:
 * <ul>
 *   <li>Install {@link RunRequest#listener()} in the run's ProbeSettings (metrics: verdicts, signals, step
 *       durations).</li>
 *   <li>Pass every measurement through {@link RunRequest#finish} before saving it: a measurement made while the
 *       network was not online is rewritten to {@code x_verdict: offline} with no blocking signals.</li>
 *   <li>Save each measurement whole, in one transaction, so a stop can drop an unsaved one but never leave half
 *       of one.</li>
 *   <li>Check {@link RunRequest#stopRequested()} before starting each measurement; once it is true, start no
 *       more, let the ones in flight finish (and save them), and return with {@code stopped = true}.</li>
 *   <li>Only network failures are data; a bug or an unusable target list may throw, which fails the run (the
 *       service logs it and carries on with the next slot).</li>
 * </ul>
 */
@FunctionalInterface
public interface RunExecutor {
  RunOutcome run(RunRequest request) throws InterruptedException;
}
