package org.kuzet.targets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The closed set of category codes a target may carry: the Citizen Lab codes, read once from the
 * bundled {@code categories.tsv}. Codes are case-sensitive here; loaders upper-case what people
 * write before asking.
 */
public final class Categories {
  private static final String RESOURCE = "categories.tsv";

  private Categories() {}

  /** True when {@code code} is one of the known codes (exact, upper-case). */
  public static boolean isKnown(String code) {
    return code != null && Holder.BY_CODE.containsKey(code);
  }

  /**
   * The category's name, e.g. "News Media" for {@code NEWS}.
   *
   * @throws IllegalArgumentException for an unknown code
   */
  public static String describe(String code) {
    return get(code).name();
  }

  /**
   * The category with this code.
   *
   * @throws IllegalArgumentException for an unknown code
   */
  public static Category get(String code) {
    Category c = code == null ? null : Holder.BY_CODE.get(code);
    if (c == null) {
      throw new IllegalArgumentException(unknownCodeMessage(code));
    }
    return c;
  }

  /** Every category, in the order of the legend (related categories sit together). */
  public static List<Category> all() {
    return Holder.ALL;
  }

  /** "unknown category code 'X': use one of A, B, …" — shared so every caller says it the same way. */
  static String unknownCodeMessage(String code) {
    return "unknown category code '" + code + "': use one of " + String.join(", ", Holder.SORTED_CODES);
  }

  // Lazy holder: the table is read on first use and a broken resource fails loudly, once.
  private static final class Holder {
    static final List<Category> ALL;
    static final Map<String, Category> BY_CODE;
    static final List<String> SORTED_CODES;

    static {
      ALL = read();
      Map<String, Category> byCode = new LinkedHashMap<>();
      for (Category c : ALL) {
        if (byCode.put(c.code(), c) != null) {
          throw new IllegalStateException(RESOURCE + ": category " + c.code() + " listed twice");
        }
      }
      BY_CODE = Collections.unmodifiableMap(byCode);
      List<String> codes = new ArrayList<>(byCode.keySet());
      Collections.sort(codes);
      SORTED_CODES = List.copyOf(codes);
    }

    private static List<Category> read() {
      try (InputStream in = Categories.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the targets jar");
        }
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<Category> out = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
          n++;
          if (line.isBlank() || line.startsWith("#")) {
            continue;
          }
          String[] f = line.split("\t", -1);
          if (f.length != 3) {
            throw new IllegalStateException(
                RESOURCE + ":" + n + ": expected 3 tab-separated columns, found " + f.length);
          }
          out.add(new Category(f[0].strip(), f[1].strip(), f[2].strip()));
        }
        if (out.isEmpty()) {
          throw new IllegalStateException(RESOURCE + " lists no categories");
        }
        return List.copyOf(out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE, e);
      }
    }
  }
}
