/**
 * The one place a run is assembled (DESIGN.md, "one place where a run is assembled, used by every entry point"):
 * {@link org.kuzet.agent.run.RunPlans} turns a config (the file or its defaults, with {@code kuzet run --once}'s
 * flags laid over it) into a {@link org.kuzet.agent.run.RunPlan}, and {@link org.kuzet.agent.run.RunEngine} carries
 * it out. {@code cli.RunCommand} ({@code kuzet run --once}) and {@code service.MeasuringRunExecutor} (each run of
 * {@code kuzet service}) are the only two doors; neither builds probe settings, a connectivity checker or a report
 * id of its own.
 */
package org.kuzet.agent.run;
