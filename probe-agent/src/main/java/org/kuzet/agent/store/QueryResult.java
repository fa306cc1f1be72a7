package org.kuzet.agent.store;

import java.util.List;

/** The result of an analyst's SQL: column names and rows as text (null for SQL NULL); {@code truncated} past the cap. */
public record QueryResult(List<String> columns, List<List<String>> rows, boolean truncated) {}
